import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lindung.core.months import shift_month
from lindung.outreach import services
from lindung.outreach.models import (
    ActivityKind,
    ActivityRegistration,
    OutreachPolicy,
    OutreachTarget,
)
from lindung.workers import testing

from .conftest import make_activity, make_team, registered_days_ago

# --- attribution ----------


def test_attribute_links_workers_of_the_same_village(activity_a):
    w1 = testing.make_worker(testing.VILLAGE_A)
    w2 = testing.make_worker(testing.VILLAGE_A)
    assert services.attribute(activity_a, [w1, w2]) == 2
    assert set(activity_a.registrations.values_list("worker_id", flat=True)) == {w1.pk, w2.pk}


def test_attribute_refuses_a_worker_of_another_village_and_links_nothing(activity_a):
    ours = testing.make_worker(testing.VILLAGE_A)
    theirs = testing.make_worker(testing.VILLAGE_B)
    with pytest.raises(services.AttributionError, match="bukan warga desa"):
        services.attribute(activity_a, [ours, theirs])
    assert ActivityRegistration.objects.count() == 0


def test_attribute_refuses_neighbouring_village_in_same_kecamatan(activity_a):
    neighbour = testing.make_worker(testing.VILLAGE_A2)
    with pytest.raises(services.AttributionError):
        services.attribute(activity_a, [neighbour])


def test_attribute_refuses_registrations_before_the_activity_or_after_the_window(team_a):
    activity = make_activity(team_a, days_ago=40)
    before = registered_days_ago(testing.make_worker(testing.VILLAGE_A), 41)
    late = testing.make_worker(testing.VILLAGE_A)  # today: 40 days after, window is 30
    in_window = registered_days_ago(testing.make_worker(testing.VILLAGE_A), 15)
    for worker in (before, late):
        with pytest.raises(services.AttributionError, match="di luar jendela"):
            services.attribute(activity, [worker])
    assert services.attribute(activity, [in_window]) == 1


def test_a_registration_is_credited_to_one_activity_only(team_a):
    first = make_activity(team_a, days_ago=5)
    second = make_activity(team_a, days_ago=2)
    worker = testing.make_worker(testing.VILLAGE_A)
    services.attribute(first, [worker])
    with pytest.raises(services.AttributionError, match="kegiatan lain"):
        services.attribute(second, [worker])
    with pytest.raises(services.AttributionError, match="kegiatan ini"):
        services.attribute(first, [worker])


def test_candidates_are_same_village_in_window_and_unlinked(team_a, team_b):
    activity = make_activity(team_a, days_ago=10)
    fresh = testing.make_worker(testing.VILLAGE_A)
    old = registered_days_ago(testing.make_worker(testing.VILLAGE_A), 11)
    linked = testing.make_worker(testing.VILLAGE_A)
    testing.make_worker(testing.VILLAGE_B)
    services.attribute(activity, [linked])
    assert list(services.attribution_candidates(activity)) == [fresh]
    assert old not in services.attribution_candidates(activity)


def test_window_comes_from_the_policy_table(team_a):
    OutreachPolicy.objects.create(
        effective_from=timezone.localdate() - dt.timedelta(days=100),
        inactive_days=30,
        attribution_window_days=7,
        source="uji",
    )
    activity = make_activity(team_a, days_ago=10)
    worker = testing.make_worker(testing.VILLAGE_A)  # 10 days later: outside a 7-day window
    with pytest.raises(services.AttributionError):
        services.attribute(activity, [worker])


def test_unattribute(activity_a):
    worker = testing.make_worker(testing.VILLAGE_A)
    services.attribute(activity_a, [worker])
    assert services.unattribute(activity_a, worker.pk) is True
    assert services.unattribute(activity_a, worker.pk) is False


# --- yield and summaries ----------


def test_summary_counts_activities_attendees_registrations_and_yield(team_a, team_b):
    a1 = make_activity(team_a, days_ago=5, attendees=30)
    make_activity(team_a, days_ago=2, attendees=50)
    b1 = make_activity(team_b, days_ago=2, attendees=99)
    services.attribute(a1, [testing.make_worker(testing.VILLAGE_A) for _ in range(3)])
    services.attribute(b1, [testing.make_worker(testing.VILLAGE_B)])
    today = timezone.localdate()
    rows = {
        r["code"]: r
        for r in services.outreach_summary(
            testing.KECAMATAN_A, today.replace(day=1) - dt.timedelta(days=40), today
        )
    }
    assert testing.VILLAGE_B not in rows  # other kecamatan
    row = rows[testing.VILLAGE_A]
    assert (row["activities"], row["attendees"], row["registrations"]) == (2, 80, 3)
    assert row["yield_per_activity"] == 1.5
    assert row["active_teams"] == 1
    assert rows[testing.VILLAGE_A2]["activities"] == 0
    assert rows[testing.VILLAGE_A2]["yield_per_activity"] is None


def test_summary_period_excludes_older_activities(team_a):
    make_activity(team_a, days_ago=60)
    recent = make_activity(team_a, days_ago=1)
    today = timezone.localdate()
    rows = services.outreach_summary(testing.VILLAGE_A, today - dt.timedelta(days=7), today)
    assert len(rows) == 1
    assert rows[0]["activities"] == 1
    assert rows[0]["last_activity"] == recent.date


def test_target_progress_prefers_village_target_over_team_targets(team_a):
    year = timezone.localdate().year
    for _ in range(3):
        make_activity(team_a, days_ago=0)
    OutreachTarget.objects.create(
        village_id=testing.VILLAGE_A,
        team=team_a,
        year=year,
        activities_target=6,
        registrations_target=10,
    )
    start, end = dt.date(year, 1, 1), timezone.localdate()
    row = services.outreach_summary(testing.VILLAGE_A, start, end)[0]
    assert row["activities_target"] == 6
    assert row["activities_progress"] == 50.0
    OutreachTarget.objects.create(
        village_id=testing.VILLAGE_A, year=year, activities_target=12, registrations_target=20
    )
    row = services.outreach_summary(testing.VILLAGE_A, start, end)[0]
    assert row["activities_target"] == 12
    assert row["activities_progress"] == 25.0
    assert row["registrations_progress"] == 0.0


def test_summary_by_kecamatan_adds_up_villages(team_a, team_b):
    make_activity(team_a, days_ago=1, attendees=10)
    make_activity(make_team(testing.VILLAGE_A2, "Tim Pancor"), days_ago=1, attendees=20)
    make_activity(team_b, days_ago=1, attendees=5)
    today = timezone.localdate()
    villages = services.outreach_summary(testing.REGENCY, today - dt.timedelta(days=5), today)
    groups = {g["code"]: g for g in services.summary_by_kecamatan(villages)}
    assert len(groups) == 21
    selong = groups[testing.KECAMATAN_A]
    assert (selong["activities"], selong["attendees"], selong["villages_active"]) == (2, 30, 2)
    assert groups[testing.KECAMATAN_B]["attendees"] == 5
    assert sum(g["villages"] for g in groups.values()) == 254


def test_paritrana_evidence_counts_by_kind(team_a, team_b):
    act = make_activity(team_a, days_ago=1, kind=ActivityKind.FARMER_GROUP, attendees=20)
    make_activity(team_a, days_ago=1, kind=ActivityKind.FARMER_GROUP, attendees=30)
    services.attribute(act, [testing.make_worker(testing.VILLAGE_A) for _ in range(2)])
    today = timezone.localdate()
    ev = services.paritrana_evidence(testing.KECAMATAN_A, today - dt.timedelta(days=5), today)
    farmer = next(k for k in ev["by_kind"] if k["kind"] == ActivityKind.FARMER_GROUP)
    assert (farmer["activities"], farmer["attendees"], farmer["registrations"]) == (2, 50, 2)
    assert farmer["yield_per_activity"] == 1.0
    assert ev["active_teams"] == 1  # team_b is in another kecamatan
    assert ev["teams_with_decree"] == 1
    assert ev["villages_reached"] == 1
    assert ev["registrations_per_100_attendees"] == 4.0


# --- 30-day flag ----------


@pytest.mark.parametrize("days_ago,flagged", [(29, False), (30, False), (31, True)])
def test_village_flagged_only_after_30_days_without_activity(team_a, days_ago, flagged):
    make_activity(team_a, days_ago=days_ago)
    codes = [r["village"].code for r in services.inactive_villages(testing.KECAMATAN_A)]
    assert (testing.VILLAGE_A in codes) is flagged


def test_villages_that_never_had_activity_are_flagged_first(team_a):
    make_activity(team_a, days_ago=45)
    rows = services.inactive_villages(testing.KECAMATAN_A)
    assert rows[-1]["village"].code == testing.VILLAGE_A
    assert rows[-1]["days_since"] == 45
    assert rows[0]["last_date"] is None
    assert all(r["village"].code.startswith(testing.KECAMATAN_A + ".") for r in rows)


def test_limited_rows_are_the_first_rows_and_the_worklist_counts_all(team_a, users):
    from lindung.areas.models import Area
    from lindung.outreach.providers import MAX_ROWS, inactive_villages_section

    make_activity(team_a, days_ago=45)
    everyone = services.inactive_villages(testing.REGENCY)
    assert len(everyone) > MAX_ROWS
    today = timezone.localdate()
    threshold = OutreachPolicy.current(today).inactive_days
    quiet = services.quiet_villages(testing.REGENCY, today, threshold)
    first = services.village_rows(quiet[:MAX_ROWS], today, threshold)
    assert [r["village"].code for r in first] == [r["village"].code for r in everyone[:MAX_ROWS]]
    assert first == everyone[:MAX_ROWS]
    [section] = inactive_villages_section(
        users["admin_kabupaten"], Area.objects.get(code=testing.REGENCY)
    )
    assert section["count"] == len(everyone)
    assert [row["label"] for row in section["rows"]] == [
        str(r["village"]) for r in everyone[:MAX_ROWS]
    ]


def test_threshold_is_data_not_code(team_a):
    OutreachPolicy.objects.create(
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        inactive_days=14,
        attribution_window_days=30,
        source="uji",
    )
    make_activity(team_a, days_ago=20)
    codes = [r["village"].code for r in services.inactive_villages(testing.VILLAGE_A)]
    assert codes == [testing.VILLAGE_A]


# --- helpers ----------


def test_mask_phone():
    assert services.mask_phone("081234567890") == "0812*****890"
    assert services.mask_phone("") == ""
    assert "5678" not in services.mask_phone("081234567890")


@given(st.text(alphabet="0123456789", min_size=7, max_size=16))
def test_masked_phone_never_shows_the_middle_digits(phone):
    masked = services.mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.count("*") >= len(phone) // 3
    # Every shown character sits where it was: masking hides, it never invents digits.
    assert all(m in ("*", p) for m, p in zip(masked, phone, strict=True))


def test_month_grid_is_monday_first_and_places_activities(team_a):
    activity = make_activity(team_a, days_ago=0)
    weeks = services.month_grid(activity.date.year, activity.date.month, [activity])
    assert all(len(w) == 7 for w in weeks)
    assert all(w[0]["date"].weekday() == 0 for w in weeks)
    cells = [c for w in weeks for c in w if c["activities"]]
    assert [c["date"] for c in cells] == [activity.date]


@pytest.mark.parametrize(
    "year,month,delta,expected",
    [(2026, 1, -1, (2025, 12)), (2025, 12, 1, (2026, 1)), (2026, 5, 0, (2026, 5))],
)
def test_shift_month(year, month, delta, expected):
    assert shift_month(year, month, delta) == expected


def test_activities_offered_at_registration_time(team_a, team_b):
    recent = make_activity(team_a, days_ago=3)
    make_activity(team_a, days_ago=31)  # too old for the 30-day window
    make_activity(team_b, days_ago=1)  # another village
    offered = services.activities_for_worker_registration(testing.VILLAGE_A, timezone.localdate())
    assert list(offered) == [recent]
