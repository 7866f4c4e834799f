"""Next steps a worker's page offers for claims: open the JKM claim of a deceased participant."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.actions import Action

from .models import Claim


def worker_actions(worker, user) -> list[Action]:
    if not worker.deceased_date:
        return []
    claims = Claim.objects.filter(membership__worker=worker).order_by("-id")
    out = [
        Action(_("Lihat klaim %(n)s") % {"n": c.get_claim_type_display()}, _detail(c), "secondary")
        for c in claims[:3]
    ]
    membership = worker.memberships.order_by("-created_at").first()
    if membership is not None and user.can_edit and not claims.exists():
        url = reverse("claims:create") + f"?kepesertaan={membership.pk}"
        out.insert(0, Action(_("Buka klaim JKM"), url))
    return out


def _detail(claim) -> str:
    return reverse("claims:detail", args=[claim.pk])
