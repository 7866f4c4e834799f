"""Import of BPJS participant/status lists: match rows to memberships, preview, then apply.

The branch sends lists with NIK, sometimes KPJ, a name and a status spelled many ways. Some
branches confirm registration without sharing card numbers, so a list without KPJ still marks
memberships as registered (bpjs_registered). Every status change goes through
enrollment.services.transition; a change the lifecycle does not allow is reported, never forced.
BPJS's «aktif» is authoritative (the contribution was paid at BPJS), a death is recorded through
workers.services.mark_deceased on the list's end date, and the preview carries out every row
with the apply's own code inside a savepoint it then rolls back, so both always agree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lindung.enrollment import services as enrollment
from lindung.enrollment.models import EndReason, Membership, MembershipStatus
from lindung.enrollment.permissions import LIFECYCLE_ROLES
from lindung.imports.normalise import parse_date
from lindung.workers.nik import clean_nik, parse_nik
from lindung.workers.services import mark_deceased

from . import files
from .matching import LABELS, Match, MembershipIndex
from .models import ExchangeImport, ImportKind, ImportState

S = MembershipStatus
DITOLAK = "ditolak"  # BPJS refused the registration: back to «Diverifikasi» for correction

NIK_HEADERS = ("nik", "no ktp", "nomor ktp", "nomor induk kependudukan", "no identitas", "noktp")
KPJ_HEADERS = ("kpj", "no kpj", "nomor kpj", "no peserta", "nomor peserta", "no kartu", "nokpj")
NAME_HEADERS = ("nama", "nama peserta", "nama tenaga kerja", "nama lengkap", "nama tk")
STATUS_HEADERS = ("status", "status kepesertaan", "status peserta", "sts", "keterangan status")
BIRTH_HEADERS = ("tgl lahir", "tanggal lahir", "tgllahir", "tgl lhr")
START_HEADERS = ("tgl kepesertaan", "tanggal kepesertaan", "tmt", "tgl aktif", "tgl mulai",
                 "tanggal mulai", "tgl daftar", "tanggal daftar")  # fmt: skip
END_HEADERS = ("tgl akhir kepesertaan", "tanggal akhir kepesertaan", "tgl akhir", "tanggal akhir",
               "tgl berakhir", "tanggal berakhir", "tgl nonaktif", "tgl meninggal",
               "tanggal meninggal", "tgl keluar", "tanggal keluar")  # fmt: skip
REASON_HEADERS = ("alasan", "keterangan", "ket", "alasan berakhir", "alasan nonaktif")
VILLAGE_HEADERS = ("kode desa", "kode wilayah", "kodedesa")

# Real-world spellings seen in branch lists -> our target status.
STATUS_WORDS: dict[str, str] = {
    "aktif": S.AKTIF, "active": S.AKTIF, "a": S.AKTIF, "aktif bayar": S.AKTIF,
    "peserta aktif": S.AKTIF, "terdaftar": S.AKTIF, "sudah terdaftar": S.AKTIF,
    "berhasil": S.AKTIF, "sukses": S.AKTIF, "diterima": S.AKTIF, "aktif terdaftar": S.AKTIF,
    "menunggak": S.MENUNGGAK, "tunggak": S.MENUNGGAK, "tunggakan": S.MENUNGGAK,
    "nunggak": S.MENUNGGAK, "grace": S.MENUNGGAK, "grace period": S.MENUNGGAK,
    "masa tenggang": S.MENUNGGAK, "belum bayar": S.MENUNGGAK, "telat bayar": S.MENUNGGAK,
    "tidak aktif": S.NONAKTIF, "tdk aktif": S.NONAKTIF, "non aktif": S.NONAKTIF,
    "nonaktif": S.NONAKTIF, "na": S.NONAKTIF, "inactive": S.NONAKTIF, "lapse": S.NONAKTIF,
    "lapsed": S.NONAKTIF, "pasif": S.NONAKTIF, "t aktif": S.NONAKTIF,
    "berakhir": S.BERAKHIR, "keluar": S.BERAKHIR, "ditutup": S.BERAKHIR, "tutup": S.BERAKHIR,
    "closed": S.BERAKHIR, "berhenti": S.BERAKHIR, "meninggal": S.BERAKHIR,
    "meninggal dunia": S.BERAKHIR, "wafat": S.BERAKHIR, "pindah": S.BERAKHIR,
    "mengundurkan diri": S.BERAKHIR, "pensiun": S.BERAKHIR, "usia": S.BERAKHIR,
    "ditolak": DITOLAK, "tolak": DITOLAK, "gagal": DITOLAK, "rejected": DITOLAK,
    "tidak valid": DITOLAK, "invalid": DITOLAK, "data tidak valid": DITOLAK,
    "nik tidak valid": DITOLAK,
}  # fmt: skip
REASON_WORDS: dict[str, str] = {
    "meninggal": EndReason.MENINGGAL, "meninggal dunia": EndReason.MENINGGAL,
    "wafat": EndReason.MENINGGAL, "pindah": EndReason.PINDAH, "pindah domisili": EndReason.PINDAH,
    "mengundurkan diri": EndReason.MENGUNDURKAN_DIRI, "keluar": EndReason.MENGUNDURKAN_DIRI,
    "berhenti": EndReason.MENGUNDURKAN_DIRI, "usia": EndReason.USIA,
    "pensiun": EndReason.USIA, "batas usia": EndReason.USIA,
    "tunggakan": EndReason.TUNGGAKAN, "menunggak": EndReason.TUNGGAKAN,
}  # fmt: skip
TARGET_LABELS = {
    S.AKTIF: "Aktif",
    S.MENUNGGAK: "Menunggak",
    S.NONAKTIF: "Nonaktif",
    S.BERAKHIR: "Berakhir",
    DITOLAK: "Ditolak BPJS",
}
_WORDS = re.compile(r"[^0-9a-z]+")


class StatusImportError(ValueError):
    """A file or request that cannot be processed; the message is for the user."""


def may_import(user) -> bool:
    return bool(user.is_superuser or user.role in LIFECYCLE_ROLES)


def normalise_word(raw: object) -> str:
    return " ".join(_WORDS.sub(" ", str(raw or "").lower()).split())


def parse_status(raw: object) -> str | None:
    return STATUS_WORDS.get(normalise_word(raw))


def parse_reason(*texts: object) -> str:
    for text in texts:
        found = REASON_WORDS.get(normalise_word(text))
        if found:
            return found
    return ""


def _date(raw: str) -> dt.date | None:
    text = (raw or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00", text):
        text = text[:10]
    return parse_date(text) if text else None


def _kpj(raw: str) -> str:
    text = clean_nik(raw or "")
    return text if text.isdigit() else (raw or "").strip()


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_status_file(name: str, data: bytes) -> list[dict]:
    table = files.read_table(name, data, header_hint=NIK_HEADERS + KPJ_HEADERS)
    cols = {
        "nik": table.find(*NIK_HEADERS),
        "kpj": table.find(*KPJ_HEADERS),
        "name": table.find(*NAME_HEADERS),
        "status": table.find(*STATUS_HEADERS),
        "birth": table.find(*BIRTH_HEADERS),
        "start": table.find(*START_HEADERS),
        "reason": table.find(*REASON_HEADERS),
        "end": table.find(*END_HEADERS),
        "village": table.find(*VILLAGE_HEADERS),
    }
    if not cols["status"]:
        raise StatusImportError(
            "Kolom STATUS tidak ditemukan. Daftar dari BPJS harus punya kolom status "
            "(mis. aktif / tidak aktif / menunggak / berakhir)."
        )
    if not cols["nik"] and not cols["kpj"]:
        raise StatusImportError("Kolom NIK atau KPJ tidak ditemukan.")
    out = []
    for number, values in table.rows:

        def get(field: str, values=values) -> str:
            return values.get(cols[field], "") if cols[field] else ""

        village = clean_nik(get("village"))
        if len(village) == 10 and village.isdigit():
            village = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
        out.append(
            {
                "row": number,
                "nik": clean_nik(get("nik")),
                "kpj": _kpj(get("kpj")),
                "name": " ".join(get("name").split()),
                "status_text": get("status"),
                "birth": (_date(get("birth")) or None),
                "start": _date(get("start")),
                "end": _date(get("end")),
                "reason_text": get("reason"),
                "village": village,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Planning (dry run) and applying
# ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    steps: list[str]
    end_reason: str = ""
    problem: str = ""
    confirm_only: bool = False  # status already right: only KPJ / registration flag


def plan_for(m: Membership, target: str, end_reason: str) -> Plan:
    """The lifecycle steps that bring `m` to `target`, or the reason they are not allowed."""
    current = m.status
    label = TARGET_LABELS[target]
    if target == DITOLAK:
        if current == S.DIAJUKAN:
            return Plan([S.DIVERIFIKASI])
        return Plan(
            [],
            problem=f"Ditolak BPJS, tetapi status di Lindung «{m.get_status_display()}»: "
            "hanya pengajuan yang dapat ditolak.",
        )
    if current == target:
        return Plan([], end_reason, confirm_only=target != S.BERAKHIR)
    if target == S.AKTIF and current == S.DIVERIFIKASI:
        # BPJS activated it, so it was submitted: both steps are legal lifecycle moves.
        return Plan([S.DIAJUKAN, S.AKTIF])
    if target == S.BERAKHIR and not end_reason:
        return Plan(
            [],
            problem="Status berakhir tanpa alasan yang dikenali (meninggal, pindah, "
            "mengundurkan diri, usia): akhiri manual di halaman kepesertaan.",
        )
    if target in enrollment.ALLOWED[current]:
        return Plan([target], end_reason if target == S.BERAKHIR else "")
    return Plan(
        [],
        problem=f"Perubahan «{m.get_status_display()}» → «{label}» tidak diizinkan oleh alur "
        "kepesertaan; periksa manual.",
    )


def _entry(raw: dict, index: MembershipIndex) -> dict:
    entry = {
        "row": raw["row"],
        "nik": raw["nik"],
        "kpj": raw["kpj"],
        "name": raw["name"],
        "status_text": raw["status_text"],
        "target": "",
        "match": Match.NONE,
        "match_label": "",
        "match_reason": "",
        "membership_id": None,
        "worker_name": "",
        "current_status": "",
        "steps": [],
        "end_reason": "",
        "problem": "",
        "confirm_only": False,
        "result": "",
        "applied": False,
    }
    reason = parse_reason(raw["status_text"], raw.get("reason_text", ""))
    target = parse_status(raw["status_text"])
    if reason == EndReason.MENINGGAL:
        target = S.BERAKHIR  # «AKTIF / MENINGGAL DUNIA» or «NON AKTIF / MENINGGAL DUNIA»
    if target is None:
        entry["problem"] = f"Status «{raw['status_text']}» tidak dikenali."
    entry["target"] = target or ""
    nik = raw["nik"]
    if nik and not (len(nik) == 16 and nik.isdigit()):
        entry["match_reason"] = "NIK bukan 16 digit"
    birth = raw["birth"] or (parse_nik(nik).birth_date if len(nik) == 16 else None)
    found = index.find(nik, raw["kpj"], raw["name"], birth, raw.get("village") or "")
    entry["match"] = found.kind
    entry["match_label"] = LABELS[found.kind]
    entry["match_reason"] = found.reason or entry["match_reason"]
    if found.membership is None:
        if found.kind == Match.AMBIGUOUS:
            entry["problem"] = entry["problem"] or (
                f"{len(found.candidates)} kepesertaan mirip; cocokkan manual."
            )
        else:
            entry["problem"] = (
                entry["problem"] or "Tidak ada kepesertaan dengan NIK/KPJ ini di wilayah Anda."
            )
        return entry
    m = found.membership
    entry["membership_id"] = m.pk
    entry["worker_name"] = m.worker.name
    entry["current_status"] = m.status
    if raw["kpj"] and m.kpj and raw["kpj"] != m.kpj:
        entry["problem"] = entry["problem"] or (
            f"KPJ di berkas ({raw['kpj']}) berbeda dengan KPJ tercatat ({m.kpj}); periksa manual."
        )
        return entry
    if target:
        plan = plan_for(m, target, reason if target == S.BERAKHIR else "")
        entry["steps"] = [str(s) for s in plan.steps]
        entry["end_reason"] = plan.end_reason
        entry["confirm_only"] = plan.confirm_only
        entry["problem"] = plan.problem
    return entry


def evaluate(user, raw_rows: list[dict]) -> list[dict]:
    """Match every row and plan its lifecycle steps (reads only)."""
    births = {r["birth"] for r in raw_rows if r["birth"]}
    births |= {b for r in raw_rows if len(r["nik"]) == 16 and (b := parse_nik(r["nik"]).birth_date)}
    index = MembershipIndex(
        user, {r["nik"] for r in raw_rows if r["nik"]}, {r["kpj"] for r in raw_rows}, births
    )
    # BPJS lists carry no Kemendagri village code: name + birth date is searched in the whole
    # area of the user (the regency for the branch), and stays a suggestion to confirm.
    return [_entry(r, index) for r in raw_rows]


def summarise(report: list[dict]) -> dict:
    out = {"rows": len(report), "problems": 0}
    for e in report:
        out[e["match"]] = out.get(e["match"], 0) + 1
        if e["problem"]:
            out["problems"] += 1
        if e["applied"]:
            out["applied"] = out.get("applied", 0) + 1
    return out


def _serialise(rows: list[dict]) -> list[dict]:
    dates = ("birth", "start", "end")
    return [{**r, **{k: r.get(k) and r[k].isoformat() for k in dates}} for r in rows]


def _deserialise(rows: list[dict]) -> list[dict]:
    dates = ("birth", "start", "end")
    return [
        {**r, **{k: dt.date.fromisoformat(r[k]) if r.get(k) else None for k in dates}} for r in rows
    ]


class _DryRun(Exception):
    """Raised inside a savepoint to undo a row that was only being tried."""


def _confirm_registration(m: Membership, kpj: str, by) -> bool:
    """Record the KPJ (when given and not yet known) and that BPJS has the registration."""
    current = Membership.objects.select_for_update().get(pk=m.pk)
    changed = False
    if kpj and not current.kpj:
        current.kpj = kpj
        changed = True
    if current.bpjs_registered is not True:
        current.bpjs_registered = True
        changed = True
    if changed:
        current.version = F("version") + 1
        current._history_user = by
        current.save()
    return changed


def _end_date(entry: dict, raw: dict, today: dt.date) -> dt.date:
    """The day a nonaktif/berakhir row takes effect: the list's end date, else today."""
    end = raw.get("end")
    if entry["end_reason"] == EndReason.MENINGGAL and end is None:
        raise ValidationError(
            "Meninggal tanpa tanggal (kolom TGL AKHIR KEPESERTAAN kosong): catat tanggal "
            "meninggal di halaman pekerja."
        )
    if end is None:
        return today
    if end > today:
        raise ValidationError(
            f"Tanggal akhir {end:%d-%m-%Y} masih di masa depan; impor lagi setelah tanggal itu."
        )
    return end


def _apply_row(entry: dict, raw: dict, user, today: dt.date) -> str:
    """Carry out one row; raises ValidationError (with the user's message) if it cannot."""
    m = Membership.objects.select_related("worker").get(pk=entry["membership_id"])
    kpj = raw["kpj"] or None
    note = "Impor status BPJS"
    start = raw.get("start")
    on = start if start and start <= today else today
    ends = {S.NONAKTIF, S.BERAKHIR} & set(entry["steps"])
    end = _end_date(entry, raw, today) if ends or entry["end_reason"] else today
    done = []
    if entry["end_reason"] == EndReason.MENINGGAL and m.worker.deceased_date != end:
        # The existing death service: validates the date and lets enrollment/claims react.
        mark_deceased(m.worker, end, user, today=today)
        done.append(f"meninggal {end:%d-%m-%Y} dicatat")
        m.refresh_from_db()
    for step in entry["steps"]:
        if step == S.BERAKHIR and m.status == S.BERAKHIR:
            continue  # the death was enough: its consequences already ended the membership
        m = enrollment.transition(
            m,
            step,
            by=user,
            note=note + (" (aktif menurut BPJS)" if step == S.AKTIF else ""),
            end_reason=entry["end_reason"] if step == S.BERAKHIR else "",
            on=on if step == S.AKTIF else (end if step in ends else today),
            kpj=kpj if step == S.AKTIF else None,
            reported_by_bpjs=step == S.AKTIF,
        )
    registered = entry["target"] in (S.AKTIF, S.MENUNGGAK, S.NONAKTIF) or (
        entry["target"] == S.BERAKHIR and m.bpjs_registered
    )
    changed_flags = registered and _confirm_registration(m, raw["kpj"], user)
    if entry["steps"]:
        done.insert(
            0, "Status diubah: " + " → ".join(TARGET_LABELS.get(s, s) for s in entry["steps"])
        )
    elif changed_flags:
        done.append("KPJ/tanda terdaftar BPJS dicatat")
    return "; ".join(done) or "Tidak ada perubahan"


def _keep_kpj(entry: dict, raw: dict, user) -> str:
    """When the status change is refused, BPJS's card number is still worth keeping."""
    if not raw["kpj"] or entry["target"] in ("", DITOLAK):
        return ""
    m = Membership.objects.get(pk=entry["membership_id"])
    if m.kpj:
        return ""
    _confirm_registration(m, raw["kpj"], user)
    return "KPJ dicatat; status tidak diubah"


def run_rows(report: list[dict], raw_rows: list[dict], user, *, dry_run: bool) -> None:
    """The one place where rows are carried out, for the preview (undone) and the apply.

    Each row runs in its own savepoint; a dry run undoes it after learning the outcome, so the
    preview shows exactly what the apply will do (except fuzzy rows nobody confirmed).
    """
    today = timezone.localdate()
    for entry, raw in zip(report, raw_rows, strict=True):
        if not entry["membership_id"] or entry.get("skip"):
            continue
        if not entry["problem"]:
            try:
                with transaction.atomic():
                    result = _apply_row(entry, raw, user, today)
                    if dry_run:
                        raise _DryRun
                entry["applied"] = True
            except _DryRun:
                pass
            except ValidationError as exc:
                entry["problem"] = " ".join(str(m) for m in exc.messages)
            if not entry["problem"]:
                entry["result"] = result  # the preview page says it is not applied yet
                continue
        # The status change is refused, but BPJS's card number is still worth keeping.
        kept = ""
        try:
            with transaction.atomic():
                kept = _keep_kpj(entry, raw, user)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        entry["result"] = kept


def preview(user, name: str, data: bytes) -> ExchangeImport:
    """Read, match and try every row without keeping any change; stored for a later apply."""
    if not may_import(user):
        raise StatusImportError(
            "Hanya petugas BPJS atau admin kabupaten yang dapat mengimpor status peserta BPJS."
        )
    if not user.area_id:
        raise StatusImportError("Akun Anda belum memiliki wilayah kerja.")
    rows = read_status_file(name, data)
    report = evaluate(user, rows)
    with transaction.atomic():
        run_rows(report, rows, user, dry_run=True)
        return ExchangeImport.objects.create(
            kind=ImportKind.BPJS_STATUS,
            area_id=user.area_id,
            file_name=name[:200],
            sha256=files.sha256(data),
            rows=_serialise(rows),
            report=report,
            summary=summarise(report),
            created_by=user,
        )


def apply(imp: ExchangeImport, user, confirmed_rows: set[int] | None = None) -> ExchangeImport:
    """Apply a preview: exact/KPJ matches and the fuzzy matches a person confirmed.

    One transaction for the file, one savepoint per row: a row the lifecycle refuses is
    reported and leaves no half-done change, the other rows still apply.
    """
    confirmed_rows = confirmed_rows or set()
    if imp.kind != ImportKind.BPJS_STATUS or imp.state != ImportState.PREVIEW:
        raise StatusImportError("Impor ini sudah diterapkan atau bukan impor status BPJS.")
    if not may_import(user):
        raise StatusImportError("Peran Anda tidak dapat menerapkan impor status BPJS.")
    raw_rows = _deserialise(imp.rows)
    previewed = {e["row"]: e for e in imp.report}
    with transaction.atomic():
        locked = ExchangeImport.objects.select_for_update().get(pk=imp.pk)
        if locked.state != ImportState.PREVIEW:
            raise StatusImportError("Impor ini sudah diterapkan.")
        # Re-matched against the database as it is now (it may have changed since preview).
        report = evaluate(user, raw_rows)
        for entry in report:
            if entry["match"] == Match.FUZZY and not entry["problem"]:
                before = previewed.get(entry["row"], {})
                if (
                    entry["row"] not in confirmed_rows
                    or before.get("membership_id") != entry["membership_id"]
                ):
                    entry["result"] = "Belum dikonfirmasi: tidak diterapkan"
                    entry["skip"] = True
        run_rows(report, raw_rows, user, dry_run=False)
        for entry in report:
            entry.pop("skip", None)
        locked.report = report
        locked.summary = summarise(report)
        locked.state = ImportState.APPLIED
        locked.applied_at = timezone.now()
        locked.options = {"confirmed_rows": sorted(confirmed_rows)}
        locked._history_user = user
        locked.save()
    return locked


REPORT_HEADER = [
    "Baris", "NIK", "KPJ", "Nama di berkas", "Status di berkas", "Kecocokan", "Keterangan cocok",
    "Nama di Lindung", "Status Lindung", "Hasil", "Masalah",
]  # fmt: skip


def report_rows(imp: ExchangeImport, *, only_problems: bool, show_nik) -> list[list]:
    rows = []
    for e in imp.report:
        problem = e["problem"] or (
            "Belum dikonfirmasi" if e["match"] == Match.FUZZY and not e["applied"] else ""
        )
        if only_problems and not problem:
            continue
        rows.append(
            [
                e["row"],
                show_nik(e["nik"]),
                e["kpj"],
                e["name"],
                e["status_text"],
                e["match_label"],
                e["match_reason"],
                e["worker_name"],
                e["current_status"],
                e["result"],
                problem,
            ]
        )
    return rows
