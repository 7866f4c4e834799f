from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "lindung.funding"
    verbose_name = _("Pendanaan")

    def ready(self) -> None:
        from lindung.core import home, jobqueue, navigation, worklists

        from . import providers

        jobqueue.register("scenarios", "lindung.funding.scenarios")

        navigation.register(
            navigation.NavItem(label=_("Pendanaan"), url_name="funding:source_list")
        )
        home.register(providers.home_cards)
        worklists.register(providers.worklist_sections, order=60)
        providers.register_demo()
