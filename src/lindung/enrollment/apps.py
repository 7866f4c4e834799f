from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "lindung.enrollment"
    verbose_name = "Kepesertaan"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core import home, worklists
        from lindung.core.navigation import NavItem, register

        from . import providers

        register(NavItem(_("Kepesertaan"), "enrollment:list"))
        register(NavItem(_("Tarif iuran"), "enrollment:tariffs"))
        worklists.register(providers.worklist_sections, order=20)
        home.register(providers.home_cards)
