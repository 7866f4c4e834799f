from django.core.management.base import BaseCommand, CommandError

from lindung.imports.registry_run import find_duplicates, regencies
from lindung.national.model import THRESHOLD


def count(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 12.345, as written in Indonesian


class Command(BaseCommand):
    help = (
        "Cari kemungkinan duplikat di seluruh desa satu kabupaten (atau tiap kabupaten), atau "
        "antarkabupaten, dengan model pencocokan orang; pasangan baru masuk antrean periksa."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regency", help="kode kabupaten, mis. 52.03 (bawaan: tiap kabupaten)")
        parser.add_argument(
            "--across", action="store_true", help="seluruh data sekaligus, antarkabupaten"
        )
        parser.add_argument("--threshold", type=float, default=THRESHOLD)

    def handle(self, *args, regency, across, threshold, **opts):
        if not 0 < threshold < 1:
            raise CommandError("--threshold harus di antara 0 dan 1.")
        codes = [""] if across else [regency] if regency else regencies()
        for code in codes:
            result = find_duplicates(code, threshold=threshold)
            where = code or "seluruh kabupaten"
            self.stdout.write(
                f"{where}: {count(result.records)} data, {count(result.pairs)} pasangan mirip, "
                f"{count(result.created)} baru di antrean periksa"
            )
