"""Who may change what. Petugas BPJS and the kabupaten admin run the lifecycle (DESIGN.md:
they verify and submit registrations); a village operator records people and payments and may
end a membership (death, moving, withdrawal). Camat and viewers only read."""

from __future__ import annotations

from lindung.accounts.models import Role

from .models import MembershipStatus
from .services import allowed_next

LIFECYCLE_ROLES = {Role.ADMIN_KABUPATEN, Role.PETUGAS_BPJS}
OPERATOR_TARGETS = {MembershipStatus.BERAKHIR}


def transitions_for(user, membership) -> list[str]:
    if not user.can_edit:
        return []
    allowed = allowed_next(membership)
    if user.is_superuser or user.role in LIFECYCLE_ROLES:
        return allowed
    return [s for s in allowed if s in OPERATOR_TARGETS]


def can_record_payment(user) -> bool:
    return user.can_edit


def can_enrol(user) -> bool:
    return user.can_edit
