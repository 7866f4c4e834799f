"""Generic page views (one concept per module). Scoping to the user's area, the role's edit
rights, filtering through a FilterForm, paging and export logging live here only; an app's
page declares its model, filter form, table and template. See docs/development.md."""

from .action import ScopedActionView
from .base import EditorRequiredMixin, ScopedMixin
from .delete import ScopedDeleteView
from .detail import ScopedDetailView
from .edit import ScopedEditView
from .export import ScopedExportView, requested_delimiter
from .list import FilteredMixin, ScopedListView

__all__ = [
    "ScopedActionView",
    "EditorRequiredMixin",
    "FilteredMixin",
    "ScopedDeleteView",
    "ScopedDetailView",
    "ScopedEditView",
    "ScopedExportView",
    "ScopedListView",
    "ScopedMixin",
    "requested_delimiter",
]
