from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lindung.exchange"
    verbose_name = "Pertukaran data (BPJS, OpenSID, KoboToolbox)"

    def ready(self) -> None:
        from lindung.accounts.models import EDITOR_ROLES, Role
        from lindung.core.navigation import NavItem, register

        editors = frozenset(str(r) for r in EDITOR_ROLES)
        bpjs_side = frozenset({str(Role.ADMIN_KABUPATEN), str(Role.PETUGAS_BPJS)})
        register(NavItem(_("Pertukaran data"), "exchange:index", group="pendataan", order=30))
        register(
            NavItem(
                _("Batch ke BPJS"), "exchange:bpjs_export", editors, group="kepesertaan", order=10
            )
        )
        register(
            NavItem(
                _("Impor status BPJS"),
                "exchange:bpjs_import",
                bpjs_side,
                group="kepesertaan",
                order=20,
            )
        )
