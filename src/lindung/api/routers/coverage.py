"""UCJ coverage of an area on a date: the same figures as `lindung coverage CODE --json`."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema

from lindung.accounts.scoping import user_covers_area
from lindung.areas.models import Area
from lindung.areas.services import normalise_code
from lindung.core.months import month_start
from lindung.coverage.indicators import area_indicators

from ..common import READ_ERRORS

router = Router(tags=["coverage"])

EXAMPLE = {
    "code": "52.03.07",
    "name": "Selong",
    "level": 3,
    "date": "2026-06-30",
    "numerator": {
        "combined": 812,
        "lindung_bpu": 812,
        "bpjs_report": None,
        "bpu_overlap_rule": "max",
    },
    "denominator": {"value": 21450},
    "percent": 3.79,
}


class CoverageOut(Schema):
    """Indicator of the area (numerator, denominator, percent, target, gap) and its children."""

    code: str
    date: dt.date
    indicator: dict
    children: list[dict]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"code": "52.03.07", "date": "2026-06-30", "indicator": EXAMPLE, "children": []}
            ]
        }
    }


def coverage_payload(area: Area, day: dt.date) -> dict:
    # Counted live from memberships on exactly that day, as the CLI does.
    head, children = area_indicators(area, month_start(day), live_day=day)
    return {
        "code": area.code,
        "date": day,
        "indicator": head.as_dict(),
        "children": [c.as_dict() for c in children],
    }


@router.get(
    "/{code}", response={200: CoverageOut, **READ_ERRORS}, summary="Cakupan UCJ satu wilayah"
)
def coverage(request, code: str, date: dt.date | None = None):
    code = normalise_code(code)
    if not user_covers_area(request.auth, code):
        raise Http404
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404
    day = date or timezone.localdate()
    if not dt.date(1900, 1, 1) <= day <= dt.date(2999, 12, 31):
        raise Http404
    return coverage_payload(area, day)
