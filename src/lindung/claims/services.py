"""Public domain API of the claims app (used by views, the API and other apps).

- compute_benefit(claim or membership, event_date, ...) -> BenefitResult (pure, cites rule versions)
- entitled_heirs(heirs, event_date=..., rules=...) -> HeirDecision (PP 44/2015 Pasal 40)
- claims_totals(user, area_code, start, end) -> dict (paid count and amount by type)
- deceased_without_claim(user, area_code, today) -> memberships needing a claim follow-up
"""

from .benefits import BenefitResult, compute_benefit
from .deceased import deceased_without_claim, import_death_list, record_death
from .heirs import entitled_heirs
from .selectors import claims_totals, paid_claims

__all__ = [
    "BenefitResult",
    "claims_totals",
    "compute_benefit",
    "deceased_without_claim",
    "entitled_heirs",
    "import_death_list",
    "paid_claims",
    "record_death",
]
