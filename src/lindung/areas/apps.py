from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "lindung.areas"
    verbose_name = "Wilayah"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core.navigation import NavItem, register

        register(NavItem(_("Penyebut UCJ"), "areas:denominators", group="cakupan", order=40))
