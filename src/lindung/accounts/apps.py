from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    verbose_name = "Akun"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from lindung.core.navigation import NavItem, register

        register(NavItem(_("Token API"), "accounts:api_tokens", group="administrasi", order=10))
