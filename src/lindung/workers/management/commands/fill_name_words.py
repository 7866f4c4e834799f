from django.core.management.base import BaseCommand
from django.db import transaction

from lindung.workers.namewords import fill_name_words


class Command(BaseCommand):
    help = (
        "Isi kata pertama/terakhir nama pekerja yang dipakai cek duplikat (baris yang belum "
        "berisi); --semua setelah tabel ejaan nama (name_variants.csv) diubah."
    )

    def add_arguments(self, parser):
        parser.add_argument("--semua", action="store_true", help="hitung ulang semua baris")

    def handle(self, *args, semua, **opts):
        with transaction.atomic():
            written = fill_name_words(only_missing=not semua)
        self.stdout.write(f"{written:,} pekerja diisi".replace(",", "."))
