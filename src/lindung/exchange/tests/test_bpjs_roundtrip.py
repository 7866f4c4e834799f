"""Export a batch, build the branch's answer from it, import it: the round trip of issue 9."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from lindung.audit.models import AccessLog
from lindung.core import testing
from lindung.enrollment import services as enrollment
from lindung.enrollment.models import Membership
from lindung.exchange import bpjs_export, bpjs_status, files
from lindung.exchange.matching import Match
from lindung.exchange.models import ExportBatch, ExportProfile

pytestmark = pytest.mark.django_db


def _profile():
    return ExportProfile.objects.get(is_default=True)


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def _one_digit_off(nik: str) -> str:
    last = nik[-1]
    return nik[:-1] + ("0" if last != "0" else "1")


def test_round_trip(registrations, users):
    petugas = users["petugas_bpjs"]
    result = bpjs_export.export_batch(petugas, _profile(), area_code=testing.VILLAGE_A, submit=True)
    table = files.read_table(result.filename, result.content)
    assert table.headers[:3] == ["NIK", "NAMA", "TGL_LAHIR"]
    exported = [values for _, values in table.rows]
    assert len(exported) == 6
    assert {r["kodedesa"] for r in exported} == {testing.VILLAGE_A.replace(".", "")}
    batch = ExportBatch.objects.get()
    assert batch.row_count == 6 and batch.submitted
    assert batch.sha256 == files.sha256(result.content)
    m = registrations["in"]
    for membership in m:
        membership.refresh_from_db()
        assert membership.status == "diajukan"
        enrollment.record_payment(membership, months=1, paid_on=timezone.localdate(), by=petugas)
    assert registrations["out"].status == "diverifikasi"

    by_nik = {r["nik"]: r for r in exported}
    nik = [x.worker.nik for x in m]
    name = [x.worker.name for x in m]
    answer = _csv([
        ["No", "NIK", "Nama Peserta", "No KPJ", "Status Kepesertaan"],
        ["1", nik[0], by_nik[nik[0]]["nama"], "23000000001", "AKTIF"],
        ["2", nik[1], name[1], "", "Aktif"],                         # status only, no card
        ["3", nik[2], name[2], "23000000003", "aktif"],
        ["4", _one_digit_off(nik[3]), name[3], "23000000004", "AKTIF"],  # mistyped NIK
        ["5", "5203019909990001", "Zulkarnain Hadi", "23000000099", "AKTIF"],  # unknown
        ["6", nik[4], name[4], "", "Tidak Aktif"],                  # illegal from diajukan
        ["7", nik[5], name[5], "", "DITOLAK"],                      # branch refused it
    ])  # fmt: skip
    imp = bpjs_status.preview(petugas, "jawaban-bpjs.csv", answer)
    report = {e["row"]: e for e in imp.report}
    assert [report[r]["match"] for r in range(2, 9)] == [
        Match.EXACT,
        Match.EXACT,
        Match.EXACT,
        Match.FUZZY,
        Match.NONE,
        Match.EXACT,
        Match.EXACT,
    ]
    assert report[5]["membership_id"] == m[3].pk and "satu digit" in report[5]["match_reason"]
    assert "tidak diizinkan" in report[7]["problem"]
    assert Membership.objects.filter(status="aktif").count() == 0  # preview changes nothing

    imp = bpjs_status.apply(imp, petugas, confirmed_rows={5})
    for x in m:
        x.refresh_from_db()
    assert (m[0].status, m[0].kpj, m[0].bpjs_registered) == ("aktif", "23000000001", True)
    assert (m[1].status, m[1].kpj, m[1].bpjs_registered) == ("aktif", "", True)
    assert (m[2].status, m[2].kpj) == ("aktif", "23000000003")
    assert (m[3].status, m[3].kpj) == ("aktif", "23000000004")
    assert m[4].status == "diajukan"
    assert m[5].status == "diverifikasi"
    assert (
        m[0]
        .transitions.filter(to_status="aktif", note="Impor status BPJS (aktif menurut BPJS)")
        .exists()
    )
    assert imp.summary["applied"] == 5
    problems = bpjs_status.report_rows(imp, only_problems=True, show_nik=lambda n: n)
    assert {row[0] for row in problems} == {6, 7}


def test_fuzzy_match_needs_confirmation(registrations, users):
    petugas = users["petugas_bpjs"]
    m = registrations["in"][0]
    Membership.objects.filter(pk=m.pk).update(status="diajukan")
    enrollment.record_payment(m, months=1, paid_on=timezone.localdate(), by=petugas)
    answer = _csv(
        [["NIK", "NAMA", "STATUS"], [_one_digit_off(m.worker.nik), m.worker.name, "aktif"]]
    )
    imp = bpjs_status.apply(bpjs_status.preview(petugas, "x.csv", answer), petugas, set())
    m.refresh_from_db()
    assert m.status == "diajukan"
    assert imp.report[0]["result"].startswith("Belum dikonfirmasi")


def test_status_import_only_touches_own_area(registrations, users):
    """A kecamatan-less branch user still cannot reach records outside their area."""
    outside = registrations["out"]
    user = testing.make_user("petugas_bpjs", testing.KECAMATAN_A)
    answer = _csv([["NIK", "NAMA", "STATUS"], [outside.worker.nik, outside.worker.name, "aktif"]])
    imp = bpjs_status.preview(user, "x.csv", answer)
    assert imp.report[0]["match"] == Match.NONE and imp.report[0]["membership_id"] is None


def test_status_import_refused_for_operator(registrations, users):
    with pytest.raises(bpjs_status.StatusImportError):
        bpjs_status.preview(users["operator_desa"], "x.csv", b"NIK,STATUS\n1,aktif\n")


def test_export_is_scoped_and_logged(registrations, users):
    operator = users["operator_desa"]
    result = bpjs_export.export_batch(operator, _profile(), file_format="xlsx")
    table = files.read_table(result.filename, result.content)
    niks = {values["nik"] for _, values in table.rows}
    assert niks == {x.worker.nik for x in registrations["in"]}
    log = AccessLog.objects.get()
    assert log.user == operator and log.record_count == 6 and log.action == "export"
    # operators may export their village's list but not move it to «Diajukan»
    with pytest.raises(bpjs_export.ExportError):
        bpjs_export.export_batch(operator, _profile(), submit=True)


def test_export_refused_for_read_only_roles(registrations, users):
    for role in ("viewer", "camat"):
        with pytest.raises(bpjs_export.ExportError):
            bpjs_export.export_batch(users[role], _profile())


def test_export_with_submit_is_atomic(registrations, users, monkeypatch):
    """If one membership cannot move to «Diajukan», no batch is recorded and nobody moves."""
    calls = []
    real = enrollment.transition

    def flaky(m, to_status, **kw):
        calls.append(m.pk)
        if len(calls) == 4:
            raise enrollment.TransitionError("gagal di tengah")
        return real(m, to_status, **kw)

    monkeypatch.setattr(bpjs_export.enrollment, "transition", flaky)
    with pytest.raises(enrollment.TransitionError):
        bpjs_export.export_batch(users["admin_kabupaten"], _profile(), submit=True)
    assert ExportBatch.objects.count() == 0
    assert not Membership.objects.filter(status="diajukan").exists()
    assert AccessLog.objects.count() == 0


def test_export_cells_cannot_run_as_formulas(users):
    from lindung.exchange.tests.conftest import verified

    verified(testing.VILLAGE_A, 1, address='=HYPERLINK("http://x")')
    result = bpjs_export.export_batch(users["admin_kabupaten"], _profile())
    text = result.content.decode("utf-8-sig")
    row = next(csv.reader(io.StringIO(text.splitlines()[1])))
    address = row[4]
    assert address.startswith("'=HYPERLINK"), address
    xlsx = bpjs_export.export_batch(users["admin_kabupaten"], _profile(), file_format="xlsx")
    assert b"<f>" not in xlsx.content  # no formula element in the sheet XML (zip-compressed)


def test_default_profile_marked_inferred(db):
    profile = _profile()
    assert not profile.confirmed_by_branch
    assert "belum resmi" in profile.note and "§" not in profile.note
    assert [c["source"] for c in profile.columns][:2] == ["nik", "nama"]


def test_kode_wadah_from_funding_source(users):
    from lindung.exchange.tests.conftest import verified
    from lindung.funding.models import Commitment, FundingSource

    m = verified(testing.VILLAGE_A, 2, funding_type="DANA_DESA")
    src = FundingSource.objects.create(
        name="Dana lain", source_type="DANA_DESA", wadah_code="SL", fiscal_year=2026,
        start_month=dt.date(2026, 1, 1), months=12, owner_area_id=testing.VILLAGE_A,
        amount=10**7, allocated=201_600,
    )  # fmt: skip
    Commitment.objects.create(
        source=src, membership=m, start_month=dt.date(2026, 1, 1), months=12,
        end_month=dt.date(2026, 12, 1), cost=201_600,
    )  # fmt: skip
    verified(testing.VILLAGE_A, 3, funding_type="APBD")
    header, rows = bpjs_export.build_rows(
        _profile(), list(bpjs_export.candidates(users["admin_kabupaten"]))
    )
    col = header.index("KODE_WADAH")
    start = header.index("TGL_MULAI")
    by_name = {r[1]: r for r in rows}
    assert by_name[m.worker.name][col] == "SL"
    assert by_name[m.worker.name][start] == "01-01-2026"
    assert sorted(r[col] for r in rows) == ["SG", "SL"]


def _xlsx_cells(content: bytes) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    return [[c for c in row] for row in book.active.iter_rows()]


def test_phone_numbers_are_text_without_apostrophe(users):
    from lindung.exchange.tests.conftest import verified

    m = verified(testing.VILLAGE_A, 1)
    m.worker.__class__.objects.filter(pk=m.worker_id).update(phone="+6281234567890")
    xlsx = bpjs_export.export_batch(users["admin_kabupaten"], _profile(), file_format="xlsx")
    rows = _xlsx_cells(xlsx.content)
    col = {c.value: i for i, c in enumerate(rows[0])}
    phone, nik, village = (rows[1][col[h]] for h in ("NO_HP", "NIK", "KODE_DESA"))
    assert (phone.value, phone.data_type) == ("+6281234567890", "s")
    assert (nik.value, nik.data_type) == (m.worker.nik, "s")
    assert village.value == testing.VILLAGE_A.replace(".", "") and village.data_type == "s"


def test_csv_identifiers_survive_excel(users):
    """Excel turns a bare 16-digit NIK into 5.2E+15 and drops a phone's leading 0 or +."""
    from lindung.exchange.tests.conftest import verified

    m = verified(testing.VILLAGE_A, 1)
    m.worker.__class__.objects.filter(pk=m.worker_id).update(phone="+6281234567001")
    result = bpjs_export.export_batch(users["admin_kabupaten"], _profile(), file_format="csv")
    header, row = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    col = {h: i for i, h in enumerate(header)}
    assert row[col["NIK"]] == f'="{m.worker.nik}"'
    assert row[col["KODE_DESA"]] == '="5203072012"'
    assert row[col["NO_HP"]] == '="+6281234567001"'
    # Our own readers take the wrapper off again (the branch's answer may come back so).
    table = files.read_table(result.filename, result.content)
    values = table.rows[0][1]
    assert (values["nik"], values["kodedesa"], values["nohp"]) == (
        m.worker.nik,
        "5203072012",
        "+6281234567001",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+62 812-3456", "+62 812-3456"),
        ("081234", "081234"),
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
    ],
)
def test_formula_guard_leaves_numbers_alone(text, expected):
    assert files.safe_cell(text) == expected
    wrapped = files.excel_text(text)
    assert files.unwrap(wrapped) == (text if wrapped.startswith('="') else wrapped)


def test_export_form_offers_xlsx_first(users):
    from lindung.exchange.forms import ExportForm

    form = ExportForm(areas=[], can_submit=True)
    assert [v for v, _ in form.fields["file_format"].choices] == ["xlsx", "csv"]
    assert form.fields["file_format"].initial == "xlsx"
