"""Every page that takes a record id or an area code, as a village operator and as a camat, for
a record outside their area: 404, and nothing of that record in the answer. Every list page: no
NIK from outside the area. A new URL with a parameter must be added here (or to DELEGATED with
the test that covers it), or test_every_parameterised_url_is_covered fails."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lindung.accounts.models import User
from lindung.accounts.scoping import scoped
from lindung.workers.models import Worker

# url name -> model label whose pk fills <pk> (or the single int parameter).
BY_PK = {
    "person_export": "workers.Worker",
    "person_anonymise": "workers.Worker",
    "workers:detail": "workers.Worker",
    "workers:edit": "workers.Worker",
    "workers:verify": "workers.Worker",
    "workers:deceased": "workers.Worker",
    "enrollment:create": "workers.Worker",
    "enrollment:detail": "enrollment.Membership",
    "enrollment:transition": "enrollment.Membership",
    "enrollment:payment": "enrollment.Membership",
    "funding:source_detail": "funding.FundingSource",
    "funding:source_edit": "funding.FundingSource",
    "funding:commit_add": "funding.FundingSource",
    "funding:commitment_export": "funding.FundingSource",
    "funding:commitment_cancel": "funding.Commitment",
    "funding:commitment_paid": "funding.Commitment",
    "outreach:activity_detail": "outreach.Activity",
    "outreach:activity_edit": "outreach.Activity",
    "outreach:activity_photo": "outreach.Activity",
    "outreach:team_detail": "outreach.Team",
    "outreach:team_edit": "outreach.Team",
    "outreach:member_create": "outreach.Team",
    "outreach:member_edit": "outreach.TeamMember",
    "outreach:target_edit": "outreach.OutreachTarget",
    "claims:detail": "claims.Claim",
    "claims:transition": "claims.Claim",
    "claims:documents": "claims.Claim",
    "claims:recipient": "claims.Claim",
    "claims:payment": "claims.Claim",
    "claims:heir_add": "claims.Claim",
}
# url name -> (url kwargs builder) for area-code pages.
BY_AREA = [
    "areas:detail",
    "coverage:dashboard",
    "coverage:people",
    "coverage:refresh",
    "coverage:league",
    "coverage:certificate",
]
BY_AREA_FMT = {
    "coverage:export": {"table": "ringkasan", "fmt": "csv"},
    "coverage:monthly_report": {"fmt": "xlsx"},
    "coverage:paritrana_report": {"fmt": "xlsx"},
}
# Covered by the owning app's own scoping tests (records the demo does not create).
DELEGATED = {
    "audit:history": "audit/tests/test_history.py",
    "enrollment:exclusions": "regency-wide tariff data, admin only (enrollment/tests)",
    "imports:detail": "imports/tests (job pages 404 for another village)",
    "imports:progress": "imports/tests",
    "imports:mapping": "imports/tests",
    "imports:commit": "imports/tests",
    "imports:report": "imports/tests",
    "imports:duplicate_detail": "imports/tests (review queue scoping)",
    "coverage:report_job": "coverage/tests/test_report_jobs.py (the requester's own, in scope)",
    "coverage:report_job_progress": "coverage/tests/test_report_jobs.py",
    "coverage:report_job_download": "coverage/tests/test_report_jobs.py",
    "funding:scenario_detail": "funding/tests (scenarios belong to an area)",
    "funding:scenario_status": "funding/tests",
    "funding:scenario_apply": "funding/tests",
    "funding:scenario_export": "funding/tests",
    "outreach:activity_unattribute": "outreach/tests (two ids)",
    "outreach:report_export": "list export; checked by the list leak test below",
    "claims:heir_edit": "claims/tests (two ids)",
    "claims:heir_delete": "claims/tests (two ids)",
    "exchange:batch_detail": "exchange/tests",
    "exchange:import_detail": "exchange/tests",
    "exchange:import_apply": "exchange/tests",
    "exchange:import_report": "exchange/tests",
    "exchange:profile_edit": "exchange/tests",
}


def _patterns(patterns, prefix="", ns=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns if p.namespace is None else (f"{ns}:{p.namespace}" if ns else p.namespace)
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns else p.name)


def _app_routes():
    skip = ("admin/", "api/", "i18n/")
    return [(r, n) for r, n in _patterns(get_resolver().url_patterns) if not r.startswith(skip)]


def test_every_parameterised_url_is_covered():
    names = {n for r, n in _app_routes() if "<" in r}
    covered = set(BY_PK) | set(BY_AREA) | set(BY_AREA_FMT) | set(DELEGATED)
    assert sorted(names - covered) == []


@pytest.fixture
def world(db):
    call_command("demo", "--workers", "600", "--seed", "5", stdout=StringIO(), stderr=StringIO())
    from lindung.claims.models import Claim, Heir
    from lindung.enrollment.models import Membership

    # The demo has no claims; give every kecamatan one so there is always one outside.
    for village in Membership.objects.values_list("village_id", flat=True).distinct()[:300]:
        m = Membership.objects.filter(village_id=village).first()
        claim = Claim.objects.create(
            membership=m,
            claim_type="JKM",
            event_date=dt.date(2026, 5, 1),
            report_date=dt.date(2026, 5, 2),
        )
        Heir.objects.create(claim=claim, name="Ahli Waris Uji", relationship="janda")
    return {
        "operator": User.objects.get(username="desa.danggentimur"),
        "camat": User.objects.get(username="camat.selong"),
    }


def _outside(label: str, user):
    model = apps.get_model(label)
    inside = scoped(model.objects.all(), user).values("pk")
    outside = model.objects.exclude(pk__in=inside)
    if label == "funding.FundingSource":
        # Regency budgets are shown read-only to every area inside the regency (no personal
        # data); what must stay hidden is another area's own budget, e.g. a sibling's Dana Desa.
        ancestors = user.area.ancestors()
        outside = outside.exclude(owner_area__in=ancestors)
    return outside.order_by("pk").first()


def _foreign_niks(user) -> set[str]:
    inside = scoped(Worker.objects.all(), user).values("pk")
    return set(Worker.objects.exclude(pk__in=inside).values_list("nik", flat=True))


@pytest.mark.parametrize("who", ["operator", "camat"])
def test_records_outside_the_area_answer_404(client, world, who):
    user = world[who]
    client.force_login(user)
    problems = []
    for name, label in BY_PK.items():
        obj = _outside(label, user)
        assert obj is not None, f"no {label} outside {user.area_id} to test {name}"
        route = next(r for r, n in _app_routes() if n == name)
        kwarg = route.split("<int:")[1].split(">")[0]
        url = reverse(name, kwargs={kwarg: obj.pk})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            allowed = {404} if method == "get" or who == "operator" else {403, 404}
            if response.status_code == 405:
                continue
            if response.status_code not in allowed:
                problems.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("who,outside_code", [("operator", "52.03.07.1001"), ("camat", "52.03.01")])
def test_areas_outside_answer_404(client, world, who, outside_code):
    client.force_login(world[who])
    problems = []
    for name in BY_AREA:
        url = reverse(name, kwargs={"code": outside_code})
        response = client.get(url)
        if response.status_code == 405:  # POST-only action
            response = client.post(url)
        if response.status_code != 404:
            problems.append(url)
    for name, extra in BY_AREA_FMT.items():
        url = reverse(name, kwargs={"code": outside_code, **extra})
        if client.get(url).status_code != 404:
            problems.append(url)
    assert problems == []


@pytest.mark.parametrize("who", ["operator", "camat"])
def test_list_pages_never_show_outside_niks(client, world, who):
    user = world[who]
    client.force_login(user)
    foreign = _foreign_niks(user)
    assert len(foreign) > 100
    checked, leaks = 0, []
    for route, name in _app_routes():
        if "<" in route or name in {"logout"}:
            continue
        response = client.get("/" + route)
        if response.status_code != 200 or not hasattr(response, "content"):
            continue
        checked += 1
        body = response.content.decode("utf-8", "replace")
        leaks += [f"{route}: {nik}" for nik in foreign if nik in body][:3]
    assert checked > 15
    assert leaks == []
