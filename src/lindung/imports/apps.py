from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lindung.imports"
    verbose_name = "Impor"

    def ready(self) -> None:
        from lindung.accounts.models import EDITOR_ROLES
        from lindung.core import jobqueue, retention
        from lindung.core.navigation import NavItem, register

        from .retention import purge_files

        jobqueue.register("imports", "lindung.imports.jobs")
        retention.register("imports", "berkas impor", purge_files)

        editors = frozenset(str(r) for r in EDITOR_ROLES)
        register(NavItem(label=_("Impor data"), url_name="imports:index", roles=editors))
        register(NavItem(label=_("Duplikat"), url_name="imports:duplicates"))
