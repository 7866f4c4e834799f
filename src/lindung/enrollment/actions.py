"""Next steps a worker's page offers for enrolment: enrol, or pay the open membership."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.actions import Action

from .models import MembershipStatus
from .permissions import can_enrol, can_record_payment
from .services import PAYABLE_STATUSES


def worker_actions(worker, user) -> list[Action]:
    if worker.deceased_date or not can_enrol(user):
        return []
    open_membership = (
        worker.memberships.exclude(status=MembershipStatus.BERAKHIR).order_by("-created_at").first()
    )
    if open_membership is None:
        return [Action(_("Daftarkan kepesertaan"), reverse("enrollment:create", args=[worker.pk]))]
    out = []
    if open_membership.status in PAYABLE_STATUSES and can_record_payment(user):
        out.append(
            Action(
                _("Catat pembayaran iuran"),
                reverse("enrollment:payment", args=[open_membership.pk]),
            )
        )
    out.append(
        Action(
            _("Buka kepesertaan"),
            reverse("enrollment:detail", args=[open_membership.pk]),
            style="secondary",
        )
    )
    return out
