"""Status transitions, document checklist, recipient validation, payment delay."""

import datetime as dt

import pytest

from lindung.claims import workflow
from lindung.claims.models import ClaimStatus as S
from lindung.claims.models import Heir, JkmWaitingVariant
from lindung.claims.models import Relationship as R
from lindung.claims.rules import RuleBook
from lindung.claims.workflow import ClaimError

from .conftest import make_claim, make_membership


def tick_all(claim, user):
    workflow.set_documents(claim, user, {r.pk for r in workflow.required_documents(claim)})


def heir(claim, name, relationship, **kw):
    return Heir.objects.create(claim=claim, name=name, relationship=relationship, **kw)


@pytest.fixture
def claim(lotim):
    return make_claim(event=dt.date(2025, 6, 1))


def test_checklist_depends_on_type_and_recipient(claim, users):
    codes = {r.code for r in workflow.required_documents(claim)}
    assert {"akta_kematian", "surat_ahli_waris", "kk"} <= codes and "buku_nikah" not in codes
    wife = heir(claim, "Siti", R.JANDA)
    workflow.set_recipient(claim, wife, users["operator_desa"])
    assert "buku_nikah" in {r.code for r in workflow.required_documents(claim)}
    jkk = make_claim(claim_type="JKK", jkk_outcome="stmb")
    jkk_codes = {r.code for r in workflow.required_documents(jkk)}
    assert "surat_dokter" in jkk_codes and "akta_kematian" not in jkk_codes


def test_complete_requires_every_document(claim, users):
    op = users["operator_desa"]
    with pytest.raises(ClaimError, match="Berkas belum lengkap"):
        workflow.transition(claim, S.BERKAS_LENGKAP, op)
    tick_all(claim, op)
    workflow.transition(claim, S.BERKAS_LENGKAP, op, on=dt.date(2025, 6, 10))
    claim.refresh_from_db()
    assert claim.status == S.BERKAS_LENGKAP and claim.complete_date == dt.date(2025, 6, 10)
    assert list(claim.transitions.values_list("to_status", flat=True)) == [S.BERKAS_LENGKAP]


def test_illegal_transitions_are_refused_with_message(claim, users):
    admin = users["admin_kabupaten"]
    with pytest.raises(ClaimError, match="tidak dapat diubah menjadi 'Diverifikasi'"):
        workflow.transition(claim, S.DIVERIFIKASI, admin)
    with pytest.raises(ClaimError, match="tidak dapat diubah menjadi 'Dibayar'"):
        workflow.transition(claim, S.DIBAYAR, admin)
    workflow.transition(claim, S.DITOLAK, admin, reason="Bukan peserta")
    with pytest.raises(ClaimError, match="'Ditolak' tidak dapat diubah"):
        workflow.transition(claim, S.DILAPORKAN, admin)
    claim.refresh_from_db()
    assert claim.status == S.DITOLAK and claim.rejection_reason == "Bukan peserta"


def test_reject_requires_reason_and_branch_role(claim, users):
    with pytest.raises(ClaimError, match="Alasan"):
        workflow.transition(claim, S.DITOLAK, users["petugas_bpjs"], reason="  ")
    with pytest.raises(ClaimError, match="Hanya petugas BPJS"):
        workflow.transition(claim, S.DITOLAK, users["operator_desa"], reason="x")
    with pytest.raises(ClaimError, match="hanya dapat melihat"):
        workflow.transition(claim, S.BERKAS_LENGKAP, users["viewer"])


def test_recipient_must_be_entitled(claim, users):
    op = users["operator_desa"]
    mother = heir(claim, "Ibu", R.ORANG_TUA)
    child = heir(claim, "Anak", R.ANAK)
    with pytest.raises(ClaimError, match="Ibu tidak berhak"):
        workflow.set_recipient(claim, mother, op)
    workflow.set_recipient(claim, child, op)
    claim.refresh_from_db()
    assert claim.recipient == child


def full_flow_to_verified(claim, users, recipient):
    op, bpjs = users["operator_desa"], users["petugas_bpjs"]
    workflow.set_recipient(claim, recipient, op)
    tick_all(claim, op)
    workflow.transition(claim, S.BERKAS_LENGKAP, op, on=dt.date(2025, 6, 13))  # a Friday
    workflow.transition(claim, S.DIVERIFIKASI, bpjs)
    claim.refresh_from_db()
    return claim


def test_verification_stores_amount_and_rule_versions(claim, users):
    claim = full_flow_to_verified(claim, users, heir(claim, "Siti", R.JANDA))
    assert claim.amount_computed == 42_000_000
    assert claim.computation["payable"] == 42_000_000
    assert claim.computation["rule_versions"]


def test_verification_refused_without_recipient(claim, users):
    op = users["operator_desa"]
    tick_all(claim, op)
    workflow.transition(claim, S.BERKAS_LENGKAP, op)
    with pytest.raises(ClaimError, match="Pilih penerima"):
        workflow.transition(claim, S.DIVERIFIKASI, users["petugas_bpjs"])


def test_without_heirs_only_funeral_is_payable_to_arranger(claim, users):
    arranger = heir(claim, "Panitia masjid", R.PENGURUS_PEMAKAMAN)
    claim = full_flow_to_verified(claim, users, arranger)
    assert claim.amount_computed == 10_000_000  # lump sum and periodic go to Dana Jaminan Sosial


def test_payment_on_time_and_late_with_penalty(claim, users):
    claim = full_flow_to_verified(claim, users, heir(claim, "Siti", R.JANDA))
    bpjs = users["petugas_bpjs"]
    with pytest.raises(ClaimError, match="Hanya petugas"):
        workflow.record_payment(
            claim, users["operator_desa"], paid_date=dt.date(2025, 6, 18), amount=42_000_000
        )
    # Complete Fri 13 Jun 2025 + 3 working days = Wed 18 Jun; paid Fri 20 Jun = 2 days late.
    delay = workflow.record_payment(claim, bpjs, paid_date=dt.date(2025, 6, 20), amount=42_000_000)
    assert delay.deadline == dt.date(2025, 6, 18) and delay.days_late == 2
    assert delay.penalty == 840_000
    claim.refresh_from_db()
    assert claim.status == S.DIBAYAR and claim.delay_penalty == 840_000
    with pytest.raises(ClaimError):
        workflow.record_payment(claim, bpjs, paid_date=dt.date(2025, 6, 20), amount=1)


def test_payment_on_deadline_has_no_penalty(rules):
    d = workflow.payment_delay(42_000_000, dt.date(2025, 6, 13), dt.date(2025, 6, 18), rules)
    assert d.days_late == 0 and d.penalty == 0


def test_payment_validation(claim, users):
    claim = full_flow_to_verified(claim, users, heir(claim, "Siti", R.JANDA))
    bpjs = users["petugas_bpjs"]
    with pytest.raises(ClaimError, match="masa depan"):
        workflow.record_payment(
            claim, bpjs, paid_date=dt.date.today() + dt.timedelta(days=1), amount=1
        )
    with pytest.raises(ClaimError, match="sebelum tanggal berkas lengkap"):
        workflow.record_payment(claim, bpjs, paid_date=dt.date(2025, 6, 1), amount=1)


def test_new_jkk_claim_outside_window_is_refused(db):
    errors = workflow.check_new_claim(
        "JKK", dt.date(2020, 1, 1), dt.date(2025, 1, 2), "stmb", today=dt.date(2026, 1, 1)
    )
    assert any("lewat batas 5 tahun" in e for e in errors)
    assert (
        workflow.check_new_claim(
            "JKK", dt.date(2020, 1, 1), dt.date(2024, 12, 31), "stmb", today=dt.date(2026, 1, 1)
        )
        == []
    )
    # Before PP 82/2019 the window was 2 years.
    old = workflow.check_new_claim(
        "JKK", dt.date(2017, 1, 1), dt.date(2019, 2, 1), "stmb", today=dt.date(2026, 1, 1)
    )
    assert any("2 tahun" in e for e in old)


def test_create_death_claim_records_date_of_death(lotim, users):
    m = make_membership()
    claim = workflow.create_claim(
        m,
        users["operator_desa"],
        claim_type="JKM",
        event_date=dt.date(2025, 6, 1),
        report_date=dt.date(2025, 6, 2),
    )
    m.worker.refresh_from_db()
    assert m.worker.deceased_date == dt.date(2025, 6, 1)
    assert claim.transitions.count() == 1


def test_waiting_variant_setting_drives_verification(lotim, users):
    from lindung.claims.models import ClaimsSettings

    s = ClaimsSettings.current()
    s.jkm_waiting_variant = JkmWaitingVariant.PEMAKAMAN
    s.save()
    m = make_membership(start=dt.date(2025, 5, 1))
    claim = make_claim(m, event=dt.date(2025, 6, 1))
    claim = full_flow_to_verified(claim, users, heir(claim, "Siti", R.JANDA))
    assert claim.amount_computed == 10_000_000
    assert [c["code"] for c in claim.computation["components"]] == ["jkm_pemakaman"]
    assert RuleBook.load().get("jkm_waiting_months", dt.date(2025, 6, 1)).as_int == 3
