from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The pages over every domain app: home, worklists, personal-data requests, the demo data
    and the commands that tie the apps together. Nothing below imports it (pyproject.toml,
    import-linter «layers»)."""

    name = "lindung.site"
    label = "site"
    verbose_name = "Halaman bersama"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core.navigation import NavItem, register

        register(NavItem(_("Beranda"), "home", order=0))
        register(NavItem(_("Daftar kerja"), "worklists", order=1))
        register(NavItem(_("Data pribadi"), "person_search", admin_only=True, group="administrasi"))
