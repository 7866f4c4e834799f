from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "lindung.workers"
    verbose_name = "Pekerja"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from lindung.core import home, worklists
        from lindung.core.demo import registry
        from lindung.core.navigation import NavItem, register

        from . import providers
        from .choices import sectors_changed
        from .demo import demo_name_words
        from .models import Sector

        register(NavItem(_("Pekerja"), "workers:list", group="pendataan", order=0))
        register(NavItem(_("Aturan kelayakan"), "workers:rules", group="kepesertaan", order=40))
        home.register(providers.home_cards)
        worklists.register(providers.verification_worklist, order=20)
        registry.register("name_words", demo_name_words, order=0)
        post_save.connect(sectors_changed, sender=Sector, dispatch_uid="sector-choices-save")
        post_delete.connect(sectors_changed, sender=Sector, dispatch_uid="sector-choices-delete")
