"""Readable change history of a record, from django-simple-history."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model

from lindung.core.formatting import format_date

TYPE_LABELS = {"+": "Dibuat", "~": "Diubah", "-": "Dihapus"}


def history_entries(obj: Model) -> list[dict]:
    """Newest first: who, when, what kind, and field changes (old -> new)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-pk"))
    entries = []
    for i, record in enumerate(records):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": _shown(change.old),
                        "new": _shown(change.new),
                    }
                )
        entries.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "type": TYPE_LABELS.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    return entries


def _shown(value):
    """A changed value for people: dates in the pages' own style (3 Des 2026)."""
    if isinstance(value, dt.datetime | dt.date):
        return format_date(value)
    return value
