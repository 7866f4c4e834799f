"""Demo step: working-population denominators, then a full coverage recount.

The regency figure is the real BPS 2024 count. Village figures do not
exist in any source, so the demo spreads the regency figure over villages in proportion to
their demo residents and labels every such row as synthetic.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count

from lindung.areas.models import Area, WorkforceDenominator

REGENCY_WORKING_POPULATION_2024 = {
    "value": 775_960,
    "note": "BPS 2024 penduduk bekerja, disampaikan Kadisnakertrans",
}


def demo_coverage(rng: random.Random, context: dict) -> str:
    from lindung.workers.models import Worker

    from .snapshots import refresh_area

    regency = context.get("regency", "52.03")
    today: dt.date = context.get("today") or dt.date.today()
    if regency == "52.03":
        WorkforceDenominator.objects.update_or_create(
            area_id=regency,
            year=2024,
            source=WorkforceDenominator.Source.BPS_BEKERJA,
            defaults={
                "working_population": REGENCY_WORKING_POPULATION_2024["value"],
                "source_note": REGENCY_WORKING_POPULATION_2024["note"],
            },
        )
    total = REGENCY_WORKING_POPULATION_2024["value"]
    residents = dict(
        Worker.objects.filter(village__code__startswith=regency + ".")
        .values_list("village_id")
        .annotate(n=Count("id"))
    )
    villages = list(Area.objects.within(regency).villages().values_list("code", flat=True))
    weight = {code: (residents.get(code, 0) + 5) * rng.uniform(0.7, 1.3) for code in villages}
    scale = total / sum(weight.values()) if weight else 0
    rows = [
        WorkforceDenominator(
            area_id=code,
            year=2024,
            source=WorkforceDenominator.Source.LAINNYA,
            working_population=max(1, round(w * scale)),
            source_note="Data demo (sintetis): bukan angka resmi",
        )
        for code, w in weight.items()
    ]
    WorkforceDenominator.objects.filter(
        area_id__in=villages, source=WorkforceDenominator.Source.LAINNYA, year=2024
    ).delete()
    WorkforceDenominator.objects.bulk_create(rows)
    result = refresh_area(regency, on=today)
    return f"cakupan: {len(rows)} penyebut desa (sintetis), {result['rows']} baris ringkasan"
