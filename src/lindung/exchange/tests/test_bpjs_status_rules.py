"""BPJS status lists as BPJS means them: its «AKTIF» is authoritative, end dates and deaths
are read, and the preview runs the very rules the apply runs."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.utils import timezone

from lindung.enrollment import services as enrollment
from lindung.enrollment.models import Membership, MembershipTransition
from lindung.exchange import bpjs_status
from lindung.exchange.matching import Match
from lindung.workers import testing

from .conftest import verified

pytestmark = pytest.mark.django_db


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def _submitted(i: int, village: str = testing.VILLAGE_A) -> Membership:
    m = verified(village, i)
    Membership.objects.filter(pk=m.pk).update(status="diajukan")
    m.refresh_from_db()
    return m


def test_aktif_applies_without_a_payment_recorded_here(users):
    """All demo submissions have no payment in Lindung: BPJS's «AKTIF» still activates them."""
    petugas = users["petugas_bpjs"]
    m = _submitted(0)
    assert m.paid_until is None
    answer = _csv(
        [
            ["NO", "NIK", "NAMA", "KPJ", "STATUS KEPESERTAAN", "TGL KEPESERTAAN"],
            ["1", m.worker.nik, m.worker.name, "23011234567", "AKTIF", "01-11-2026"],
        ]
    )
    imp = bpjs_status.preview(petugas, "aktif.csv", answer)
    assert imp.report[0]["problem"] == ""
    assert imp.report[0]["result"].startswith("Status diubah")
    m.refresh_from_db()
    assert m.status == "diajukan" and m.kpj == ""  # the preview keeps nothing
    imp = bpjs_status.apply(imp, petugas)
    m.refresh_from_db()
    assert (m.status, m.kpj, m.bpjs_registered) == ("aktif", "23011234567", True)
    assert m.coverage_start == dt.date(2026, 11, 1)
    assert m.transitions.get(to_status="aktif").note == "Impor status BPJS (aktif menurut BPJS)"
    assert imp.report[0]["applied"]


def test_death_is_recorded_on_its_date(users):
    petugas = users["petugas_bpjs"]
    m = _submitted(1)
    enrollment.transition(m, "aktif", by=petugas, on=dt.date(2026, 1, 5), reported_by_bpjs=True)
    answer = _csv(
        [
            ["NIK", "NAMA", "STATUS", "TGL AKHIR KEPESERTAAN", "KETERANGAN"],
            [m.worker.nik, m.worker.name, "NON AKTIF", "20-10-2026", "MENINGGAL DUNIA"],
        ]
    )
    imp = bpjs_status.apply(bpjs_status.preview(petugas, "mati.csv", answer), petugas)
    m.refresh_from_db()
    m.worker.refresh_from_db()
    assert imp.report[0]["applied"], imp.report[0]
    assert m.worker.deceased_date == dt.date(2026, 10, 20)
    assert (m.status, m.end_reason, m.coverage_end) == (
        "berakhir",
        "meninggal",
        dt.date(2026, 10, 20),
    )


def test_death_without_a_date_is_not_guessed(users):
    petugas = users["petugas_bpjs"]
    m = _submitted(2)
    enrollment.transition(m, "aktif", by=petugas, reported_by_bpjs=True)
    answer = _csv([["NIK", "STATUS"], [m.worker.nik, "MENINGGAL DUNIA"]])
    imp = bpjs_status.preview(petugas, "x.csv", answer)
    assert "tanpa tanggal" in imp.report[0]["problem"]
    bpjs_status.apply(imp, petugas)
    m.refresh_from_db()
    m.worker.refresh_from_db()
    assert m.status == "aktif" and m.worker.deceased_date is None


def test_end_date_is_the_day_membership_ended(users):
    petugas = users["petugas_bpjs"]
    m = _submitted(3)
    enrollment.transition(m, "aktif", by=petugas, on=dt.date(2026, 2, 1), reported_by_bpjs=True)
    answer = _csv(
        [["NIK", "STATUS", "TGL AKHIR KEPESERTAAN"], [m.worker.nik, "TIDAK AKTIF", "2026-09-30"]]
    )
    bpjs_status.apply(bpjs_status.preview(petugas, "x.csv", answer), petugas)
    m.refresh_from_db()
    assert (m.status, m.coverage_end) == ("nonaktif", dt.date(2026, 9, 30))


def test_refused_change_still_keeps_the_kpj(users):
    petugas = users["petugas_bpjs"]
    m = _submitted(4)
    answer = _csv([["NIK", "KPJ", "STATUS"], [m.worker.nik, "23099999999", "TIDAK AKTIF"]])
    imp = bpjs_status.apply(bpjs_status.preview(petugas, "x.csv", answer), petugas)
    m.refresh_from_db()
    assert m.status == "diajukan" and "tidak diizinkan" in imp.report[0]["problem"]
    assert (m.kpj, m.bpjs_registered) == ("23099999999", True)


def test_name_and_birth_date_match_across_the_regency(users):
    """No NIK, no village code: a regency-wide user still gets a suggestion to confirm."""
    petugas = users["petugas_bpjs"]
    m = _submitted(5, testing.VILLAGE_B)
    birth = m.worker.birth_date.strftime("%d-%m-%Y")
    answer = _csv([["NAMA", "TGL LAHIR", "KPJ", "STATUS"], [m.worker.name, birth, "", "AKTIF"]])
    imp = bpjs_status.preview(petugas, "x.csv", answer)
    entry = imp.report[0]
    assert (entry["match"], entry["membership_id"]) == (Match.FUZZY, m.pk)
    assert "Tanjung Luar" in entry["match_reason"]
    bpjs_status.apply(imp, petugas, confirmed_rows={entry["row"]})
    m.refresh_from_db()
    assert m.status == "aktif"


STATUSES = ["didata", "diverifikasi", "diajukan", "aktif", "menunggak", "nonaktif", "berakhir"]
LIST_WORDS = [
    ("AKTIF", "", ""),
    ("Menunggak", "", ""),
    ("TIDAK AKTIF", "", "15-09-2026"),
    ("NON AKTIF", "MENINGGAL DUNIA", "20-10-2026"),
    ("MENINGGAL DUNIA", "", ""),
    ("KELUAR", "MENGUNDURKAN DIRI", ""),
    ("BERAKHIR", "", ""),
    ("DITOLAK", "", ""),
    ("TIDAK AKTIF", "", "31-12-2099"),
    ("???", "", ""),
]


def test_preview_and_apply_agree_on_every_row(users):
    """Every lifecycle state × every kind of row × paid or not: what the preview promises is
    exactly what the apply does, row by row."""
    petugas = users["petugas_bpjs"]
    today = timezone.localdate()
    rows = [["NIK", "NAMA", "KPJ", "STATUS", "KETERANGAN", "TGL AKHIR KEPESERTAAN"]]
    cases = list(itertools.product(STATUSES, LIST_WORDS, (False, True)))
    for i, (status, (word, remark, end), paid) in enumerate(cases):
        worker = testing.make_worker(
            testing.VILLAGE_A,
            name=f"Pekerja Uji {i}",
            birth_date=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
        )
        m = Membership.objects.create(
            worker=worker, village_id=testing.VILLAGE_A, declared_income=1_000_000
        )
        if paid:
            enrollment.record_payment(m, months=1, paid_on=today, by=petugas)
        fields = {"status": status}
        if status == "berakhir":
            fields["end_reason"] = "pindah"
        Membership.objects.filter(pk=m.pk).update(**fields)
        kpj = f"2300{i:07d}" if i % 3 else ""
        rows.append([m.worker.nik, m.worker.name, kpj, word, remark, end])
    imp = bpjs_status.preview(petugas, "semua.csv", _csv(rows))
    promised = {e["row"]: (e["problem"], e["result"]) for e in imp.report}
    applied = bpjs_status.apply(imp, petugas)
    assert len(applied.report) == len(cases) == 140
    for e in applied.report:
        assert (e["problem"], e["result"]) == promised[e["row"]], e
        assert e["applied"] == (not e["problem"]), e
    # Both outcomes happen, so the comparison above is not vacuous.
    assert 0 < applied.summary["applied"] < len(cases)
    assert MembershipTransition.objects.filter(note__contains="aktif menurut BPJS").exists()
