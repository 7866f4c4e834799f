from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "lindung.claims"
    verbose_name = "Klaim"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core import home, worklists
        from lindung.core.navigation import NavItem, register

        from . import providers

        register(NavItem(_("Daftar klaim"), "claims:list", group="klaim", order=0))
        register(NavItem(_("Meninggal tanpa klaim"), "claims:deceased", group="klaim", order=10))
        register(NavItem(_("Rekap klaim"), "claims:totals", group="klaim", order=20))
        register(NavItem(_("Aturan manfaat"), "claims:rules", group="klaim", order=30))
        from lindung.core import actions as record_actions

        from . import actions

        record_actions.register("worker", actions.worker_actions, order=20)
        home.register(providers.home_cards)
        worklists.register(providers.worklist_sections, order=60)
        try:
            from lindung.core.demo import registry
        except ImportError:  # the demo is optional
            return
        from .demo import demo_claims

        # After payments (65): claims need the final "dibayar sampai" of each membership.
        registry.register("claims", demo_claims, order=70)
