from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lindung.imports"
    verbose_name = "Impor"

    def ready(self) -> None:
        from lindung.accounts.models import EDITOR_ROLES
        from lindung.core import jobqueue, retention, sandbox
        from lindung.core.navigation import NavItem, register

        from .retention import purge_files

        jobqueue.register("imports", "lindung.imports.jobs")
        sandbox.preload("lindung.imports.sheets")  # reader children start without importing
        retention.register("imports", "berkas impor", purge_files)

        editors = frozenset(str(r) for r in EDITOR_ROLES)
        register(
            NavItem(_("Impor data"), "imports:index", roles=editors, group="pendataan", order=10)
        )
        register(NavItem(_("Duplikat"), "imports:duplicates", group="pendataan", order=20))
