import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from lindung.areas.models import Area
from lindung.areas.services import normalise_code
from lindung.core.formatting import format_number, format_percent
from lindung.core.months import month_start
from lindung.coverage.indicators import area_indicators
from lindung.coverage.periods import today


class Command(BaseCommand):
    help = (
        "Cakupan UCJ sebuah wilayah dan wilayah di bawahnya: "
        "lindung coverage 52.03 [--date YYYY-MM-DD] [--json]"
    )

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--date", help="Tanggal posisi (YYYY-MM-DD); bawaan: hari ini")
        parser.add_argument("--json", action="store_true")

    def handle(self, code, date=None, json: bool = False, **opts):
        code = normalise_code(code)
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise CommandError(
                f"Wilayah dengan kode {code} tidak ditemukan. Jalankan 'lindung setup'?"
            )
        try:
            day = dt.date.fromisoformat(date) if date else today()
        except ValueError as exc:
            raise CommandError(f"Tanggal '{date}' tidak valid; gunakan format YYYY-MM-DD.") from exc
        # Counted live from memberships on exactly that day, so any date is answered correctly.
        head, children = area_indicators(area, month_start(day), live_day=day)
        if json:
            data = head.as_dict()
            data["children"] = [c.as_dict() for c in children]
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(f"Cakupan UCJ {head.label} per {day.isoformat()}")
        self.stdout.write(
            f"{'kode':<14} {'nama':<28} {'pembilang':>10} {'penyebut':>10} {'%':>8} "
            f"{'target':>8} {'kurang':>9}"
        )
        for ind in [head, *children]:
            self.stdout.write(
                f"{ind.code:<14} {ind.name[:28]:<28} {format_number(ind.numerator.combined):>10} "
                f"{format_number(ind.denominator.value):>10} {format_percent(ind.percent):>8} "
                f"{format_percent(ind.target.percent if ind.target else None):>8} "
                f"{format_number(ind.to_enrol):>9}"
            )
        den = head.denominator
        self.stdout.write(
            f"Penyebut: {den.source_label or 'belum ada'}"
            + (f" (tahun {den.year})" if den.year else "")
        )
        num = head.numerator
        if num.bpjs is not None:
            self.stdout.write(
                f"Pembilang: Lindung BPU {format_number(num.lindung)}, laporan BPJS "
                f"{num.bpjs_period:%Y-%m} {format_number(num.bpjs_total)} (aturan BPU: {num.rule})"
            )
        else:
            self.stdout.write(
                f"Pembilang: Lindung BPU {format_number(num.lindung)}; belum ada laporan BPJS"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
