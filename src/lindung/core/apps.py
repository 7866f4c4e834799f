from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    verbose_name = "Inti"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from . import figures
        from .navigation import NavItem, register

        figures.connect()

        register(NavItem(_("Beranda"), "home", order=0))
        register(NavItem(_("Daftar kerja"), "worklists", order=1))
        register(NavItem(_("Penyebut UCJ"), "areas:denominators", group="cakupan", order=40))
        register(NavItem(_("Token API"), "accounts:api_tokens", group="administrasi", order=10))
        register(NavItem(_("Log akses"), "audit:access_log", admin_only=True, group="administrasi"))
        register(NavItem(_("Data pribadi"), "person_search", admin_only=True, group="administrasi"))
