from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "lindung.funding"
    verbose_name = _("Pendanaan")

    def ready(self) -> None:
        from lindung.core import home, jobqueue, navigation, worklists

        from . import providers

        jobqueue.register("scenarios", "lindung.funding.scenarios")

        nav = navigation.NavItem
        navigation.register(nav(_("Sumber dana"), "funding:source_list", group="pendanaan"))
        navigation.register(
            nav(_("Perpanjangan"), "funding:renewal_due", group="pendanaan", order=60)
        )
        navigation.register(
            nav(_("Skenario anggaran"), "funding:scenario_list", group="pendanaan", order=70)
        )
        home.register(providers.home_cards)
        worklists.register(providers.worklist_sections, order=60)
        providers.register_demo()

        from lindung.workers.services import worker_deceased

        worker_deceased.connect(_release_after_death, dispatch_uid="funding-release-after-death")


def _release_after_death(sender, worker, date, by=None, **kwargs) -> None:
    from .services import release_after_death

    release_after_death(worker, date, by=by)
