from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "lindung.outreach"
    verbose_name = _("Sosialisasi")

    def ready(self) -> None:
        from lindung.core import home, navigation, worklists

        from . import providers

        nav, group = navigation.NavItem, "sosialisasi"
        for order, (label, name) in enumerate(
            [
                (_("Kegiatan"), "outreach:index"),
                (_("Tim sosialisasi"), "outreach:teams"),
                (_("Kalender"), "outreach:calendar"),
                (_("Desa tanpa kegiatan"), "outreach:flags"),
                (_("Laporan hasil"), "outreach:report"),
                (_("Target"), "outreach:targets"),
            ]
        ):
            navigation.register(nav(label, name, group=group, order=order))
        worklists.register(providers.inactive_villages_section, order=60)
        home.register(providers.home_cards)
        self._register_demo_step()

    @staticmethod
    def _register_demo_step() -> None:
        try:
            from lindung.core.demo import registry
        except ImportError:  # demo registry not present in this build
            return
        from .demo import demo_outreach

        registry.register("outreach", demo_outreach, 60)
