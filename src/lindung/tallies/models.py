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
