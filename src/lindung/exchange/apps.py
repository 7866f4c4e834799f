from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lindung.exchange"
    verbose_name = "Pertukaran data (BPJS, OpenSID, KoboToolbox)"

    def ready(self) -> None:
        from lindung.core.navigation import NavItem, register

        register(NavItem(_("Pertukaran data"), "exchange:index", group="pendataan", order=30))
