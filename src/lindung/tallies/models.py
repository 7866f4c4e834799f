"""Per-village counts behind the worklist and home figures.

One row per (village, key, day): how many records of that village fall under the key on that
day (e.g. active memberships paid until 2026-12-31). Figures for any area are sums of its
villages' rows, and windows ("lapsing within 30 days") are sums over a range of days, so the
rows never depend on today's date and stay right without a nightly recount.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

# Day of the undated keys (statuses, worker counts): NULL would defeat the unique constraint.
NO_DAY = dt.date(1, 1, 1)


class VillageTally(models.Model):
    village = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=24)
    day = models.DateField(default=NO_DAY)
    count = models.IntegerField(default=0)

    scope_field = "village"  # counts only, but read through the same scoping as every record

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "key", "day"], name="tally_village_key_day")
        ]
        # Area sums: one key over a range of village codes and days.
        indexes = [models.Index(fields=["key", "village", "day"], name="tally_key_village_day")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.key} {self.day}: {self.count}"


class AreaTally(models.Model):
    """The sum of VillageTally rows over a kecamatan (level 2) or a kabupaten (level 1), kept
    in the same transaction as the village rows: a regency figure reads one row per day instead
    of one per village and day (254 times fewer), which PostgreSQL needs for the regency
    worklist to stay under a second at 1M participants."""

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()  # dots in the area code: 1 kabupaten, 2 kecamatan
    key = models.CharField(max_length=24)
    day = models.DateField(default=NO_DAY)
    count = models.IntegerField(default=0)

    scope_field = "area"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "key", "day"], name="areatally_area_key_day")
        ]
        indexes = [models.Index(fields=["key", "area", "day"], name="areatally_key_area_day")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.key} {self.day}: {self.count}"
