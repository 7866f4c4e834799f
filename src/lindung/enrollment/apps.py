from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "lindung.enrollment"
    verbose_name = "Kepesertaan"

    def ready(self) -> None:
        from django.db.models import OuterRef
        from django.utils.translation import gettext_lazy as _

        from lindung.core import home, worklists
        from lindung.core.navigation import NavItem, register
        from lindung.workers import memberships

        from . import providers
        from .models import Membership, MembershipStatus

        memberships.register(
            memberships.MembershipLookup(
                statuses=MembershipStatus.choices,
                of_worker=lambda: Membership.objects.filter(worker=OuterRef("pk")),
            )
        )

        register(NavItem(_("Daftar kepesertaan"), "enrollment:list", group="kepesertaan", order=0))
        register(NavItem(_("Tarif iuran"), "enrollment:tariffs", group="kepesertaan", order=30))
        register(
            NavItem(_("Kalkulator iuran"), "enrollment:calculator", group="kepesertaan", order=31)
        )
        from lindung.core import actions as record_actions

        from . import actions

        record_actions.register("worker", actions.worker_actions, order=10)
        worklists.register(providers.worklist_sections, order=20)
        home.register(providers.home_cards)

        try:
            from lindung.core.demo import registry
        except ImportError:  # the demo is optional
            pass
        else:
            from .demo import demo_payments

            # After funding (60), so committed months are paid as their commitment.
            registry.register("payments", demo_payments, order=65)

        from lindung.workers.services import death_date_check, worker_deceased

        death_date_check.connect(_death_date_problems, dispatch_uid="enrollment-death-check")
        worker_deceased.connect(_end_on_death, dispatch_uid="enrollment-end-on-death")


def _death_date_problems(sender, worker, date, **kwargs) -> list[str]:
    from .services import death_date_problems

    return death_date_problems(worker, date)


def _end_on_death(sender, worker, date, by=None, **kwargs) -> None:
    from .services import end_memberships_on_death

    end_memberships_on_death(worker, date, by)
