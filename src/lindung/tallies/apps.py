from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalliesConfig(AppConfig):
    name = "lindung.tallies"
    verbose_name = _("Rekap per desa")

    def ready(self) -> None:
        from lindung.core.demo import registry

        from . import signals
        from .demo import demo_tallies

        signals.connect()
        registry.register("tallies", demo_tallies, order=98)  # after every step that writes
