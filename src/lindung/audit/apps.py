from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lindung.audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core import export
        from lindung.core.navigation import NavItem, register

        from .models import log_export

        # core sends the signal without importing audit (pyproject.toml, layers).
        export.exported.connect(log_export, dispatch_uid="audit-log-export")
        register(NavItem(_("Log akses"), "audit:access_log", admin_only=True, group="administrasi"))
