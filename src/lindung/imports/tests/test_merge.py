"""Review decisions with the matching model: merge moves everything and can be undone by an
administrator, "different people" is never proposed again, cross-regency pairs reach both."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from lindung.accounts.models import Role
from lindung.areas.services import load_areas
from lindung.claims.models import Claim
from lindung.enrollment.models import ContributionPayment, Membership
from lindung.imports.models import PossibleDuplicate, WorkerMerge
from lindung.imports.registry_run import find_duplicates
from lindung.imports.review import ReviewError, confirm_distinct, merge_into_match, undo_merge
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

pytestmark = pytest.mark.usefixtures("setup_import")

BORN = dt.date(1984, 7, 9)
LOBAR_VILLAGE = "52.01.01.1001"  # Gerung Utara, Lombok Barat


def twin_entries(village_b=testing.VILLAGE_A2):
    """One man registered twice: the second time in another village, NIK digits swapped."""
    nik = compose_nik(testing.KECAMATAN_A, BORN, "L", 12)
    swapped = nik[:13] + nik[14] + nik[13] + nik[15]
    first = testing.make_worker(testing.VILLAGE_A, nik=nik, name="Lalu Muhammad Sahnun",
                                birth_date=BORN, phone="")  # fmt: skip
    second = testing.make_worker(village_b, nik=swapped, name="L. Moh. Sahnun",
                                 birth_date=BORN, phone="+6281234567890")  # fmt: skip
    return first, second


def with_history(worker):
    membership = Membership.objects.create(
        worker=worker, village_id=worker.village_id, declared_income=1_000_000, status="aktif",
        coverage_start=dt.date(2026, 1, 1), paid_until=dt.date(2026, 12, 31),
    )  # fmt: skip
    ContributionPayment.objects.create(
        membership=membership, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31),
        months=12, amount=201_600, expected_amount=201_600, funding_type="MANDIRI",
        paid_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    Claim.objects.create(
        membership=membership,
        claim_type="JKM",
        event_date=dt.date(2026, 3, 2),
        report_date=dt.date(2026, 3, 9),
    )
    worker.name = worker.name + " "
    worker._change_reason = "ejaan"
    worker.save()
    return membership


def test_the_regency_run_finds_a_duplicate_in_another_village():
    first, second = twin_entries()
    result = find_duplicates(testing.REGENCY)
    assert (result.records, result.created) == (2, 1)
    pair = PossibleDuplicate.objects.get()
    assert (pair.worker, pair.match) == (second, first)
    assert pair.source == PossibleDuplicate.Source.REGENCY
    assert pair.levels == {"nik_birth": "nik_transposed", "name": "name_exact", "sex": "sex_same"}
    assert "possible_duplicate" in Worker.objects.get(pk=second.pk).verification_flags
    # A second run proposes nothing new.
    assert find_duplicates(testing.REGENCY).created == 0


def test_different_people_are_never_proposed_again(users):
    twin_entries()
    find_duplicates(testing.REGENCY)
    pair = PossibleDuplicate.objects.get()
    confirm_distinct(pair, users[Role.ADMIN_KABUPATEN])
    out = io.StringIO()
    call_command("find_duplicates", "--regency", testing.REGENCY, stdout=out)
    assert "0 baru" in out.getvalue()
    assert PossibleDuplicate.objects.get().status == PossibleDuplicate.Status.DISTINCT


def test_merge_moves_memberships_payments_claims_and_history_and_undo_restores(users):
    kept, removed = twin_entries()
    membership = with_history(removed)
    find_duplicates(testing.REGENCY)
    pair = PossibleDuplicate.objects.get()
    history_before = removed.history.count()
    merge_into_match(pair, users[Role.OPERATOR_DESA])

    assert not Worker.objects.filter(pk=removed.pk).exists()
    membership.refresh_from_db()
    assert membership.worker_id == kept.pk and membership.village_id == kept.village_id
    assert membership.payments.count() == 1 and Claim.objects.get().membership == membership
    kept.refresh_from_db()
    assert kept.phone == "+6281234567890"  # filled from the removed entry
    # The removed entry's changes are now in the kept worker's history (plus the merge itself).
    reasons = [h.history_change_reason for h in kept.history.all()]
    assert "ejaan" in reasons and any(r and r.startswith("digabung dari") for r in reasons)
    record = WorkerMerge.objects.get()
    assert record.removed_id == removed.pk and record.moved["memberships"]

    with pytest.raises(ReviewError):
        undo_merge(record, users[Role.OPERATOR_DESA])
    restored = undo_merge(record, users[Role.ADMIN_KABUPATEN])
    assert restored.pk == removed.pk and restored.nik == removed.nik
    assert restored.name == "L. Moh. Sahnun " and restored.village_id == testing.VILLAGE_A2
    membership.refresh_from_db()
    assert membership.worker_id == removed.pk and membership.village_id == testing.VILLAGE_A2
    assert Worker.history.filter(id=removed.pk, history_change_reason="ejaan").exists()
    assert Worker.history.filter(id=removed.pk).count() >= history_before
    kept.refresh_from_db()
    assert kept.phone == ""
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.OPEN and pair.worker_id == removed.pk
    with pytest.raises(ReviewError):
        undo_merge(WorkerMerge.objects.get(), users[Role.ADMIN_KABUPATEN])


def test_cross_regency_pairs_reach_both_regencies_admins(client, users):
    load_areas(prefix="52.01")
    first, second = twin_entries(village_b=LOBAR_VILLAGE)
    assert find_duplicates("").created == 1
    assert PossibleDuplicate.objects.get().source == PossibleDuplicate.Source.NATIONAL
    lobar_admin = testing.make_user(Role.ADMIN_KABUPATEN, "52.01")
    for admin in (users[Role.ADMIN_KABUPATEN], lobar_admin):
        client.force_login(admin)
        page = client.get(reverse("imports:duplicates")).content.decode()
        assert "Sahnun" in page
        pair = PossibleDuplicate.objects.get()
        detail = client.get(reverse("imports:duplicate_detail", args=[pair.pk])).content.decode()
        assert "dua digit NIK bersebelahan tertukar" in detail and "cocok kuat" in detail
    # An officer of a village that holds neither sees nothing.
    client.force_login(testing.make_user(Role.OPERATOR_DESA, testing.VILLAGE_B))
    assert "Sahnun" not in client.get(reverse("imports:duplicates")).content.decode()


def test_undo_is_refused_when_the_kept_worker_is_gone(users):
    kept, _ = twin_entries()
    find_duplicates(testing.REGENCY)
    merge_into_match(PossibleDuplicate.objects.get(), users[Role.ADMIN_KABUPATEN])
    record = WorkerMerge.objects.get()
    PossibleDuplicate.objects.all().delete()  # the pair goes with the kept worker's deletion
    Worker.objects.filter(pk=kept.pk).delete()
    record = WorkerMerge(pk=None, removed_id=record.removed_id, removed_data=record.removed_data)
    with pytest.raises(ReviewError, match="sudah dihapus"):
        undo_merge(record, users[Role.ADMIN_KABUPATEN])
