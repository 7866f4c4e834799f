from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    verbose_name = "Klaim"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core import home, worklists
        from lindung.core.navigation import NavItem, register

        from . import providers

        register(NavItem(_("Klaim"), "claims:list"))
        home.register(providers.home_cards)
        worklists.register(providers.worklist_sections, order=60)
