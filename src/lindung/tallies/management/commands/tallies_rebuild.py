"""Recount the per-village tallies of the worklist and home figures from the records."""

import time

from django.core.management.base import BaseCommand

from lindung.tallies.services import rebuild


class Command(BaseCommand):
    help = "Hitung ulang rekap per desa (daftar kerja dan beranda) dari data."

    def add_arguments(self, parser):
        parser.add_argument("--desa", nargs="*", help="kode desa (kosong: semua desa)")

    def handle(self, *args, desa=None, **options):
        started = time.perf_counter()
        rows = rebuild(desa or None)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Rekap per desa dihitung ulang: {rows} baris ({seconds:.1f} dtk).")
