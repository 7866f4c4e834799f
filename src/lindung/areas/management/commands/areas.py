import json

from django.core.management.base import BaseCommand, CommandError

from lindung.areas.models import Area
from lindung.areas.services import area_summary, normalise_code


class Command(BaseCommand):
    help = "Tampilkan wilayah dan anak-anaknya: lindung areas 52.03 [--json]"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--json", action="store_true")

    def handle(self, code, json: bool = False, **opts):
        code = normalise_code(code)
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise CommandError(
                f"Wilayah dengan kode {code} tidak ditemukan. Jalankan 'lindung setup'?"
            )
        data = area_summary(area)
        if json:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(f"{data['code']}  {area}  ({data['type']})")
        for c in data["children"]:
            self.stdout.write(f"  {c['code']:<14} {c['name']:<40} {c['type']}")
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(data["counts"].items()))
        self.stdout.write(f"Di bawahnya: {counts or '-'}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
