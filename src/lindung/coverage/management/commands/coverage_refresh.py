import datetime as dt
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lindung.areas.models import Area
from lindung.areas.services import normalise_code
from lindung.coverage.snapshots import refresh_area


class Command(BaseCommand):
    help = (
        "Hitung ulang angka cakupan (snapshot) seluruh desa dalam wilayah; jalankan harian "
        "agar bulan berjalan mengikuti kalender: lindung coverage_refresh [KODE]"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default=None)
        parser.add_argument("--date", help="Hitung per tanggal ini (YYYY-MM-DD); bawaan: hari ini")
        parser.add_argument("--json", action="store_true")

    def handle(self, code=None, date=None, json=False, **opts):
        code = normalise_code(code or settings.LINDUNG_REGENCY_CODE)
        if not Area.objects.filter(code=code).exists():
            raise CommandError(f"Wilayah dengan kode {code} tidak ditemukan.")
        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"Tanggal '{date}' tidak valid; gunakan format YYYY-MM-DD.") from exc

        def progress(done: int, total: int) -> None:
            if not json:
                bar = "#" * int(30 * done / max(total, 1))
                sys.stderr.write(f"\r[{bar:<30}] {done}/{total} bulan")
                if done == total:
                    sys.stderr.write("\n")

        result = refresh_area(code, on=on, progress=progress)
        if json:
            self.stdout.write(_json(result))
        else:
            self.stdout.write(
                f"Selesai: {result['villages']} desa, {result['rows']} baris snapshot, "
                f"posisi {result['ref_day']}."
            )


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
