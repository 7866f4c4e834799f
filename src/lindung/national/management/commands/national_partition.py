"""`lindung national_partition`: workers and memberships partitioned by regency (PostgreSQL)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lindung.national import partitioning


class Command(BaseCommand):
    help = (
        "Buat tata letak PostgreSQL yang dipartisi per kabupaten/kota (LIST) untuk pekerja dan "
        "kepesertaan, di skema 'nasional'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regency",
            action="append",
            dest="regencies",
            help="kode kabupaten/kota, mis. 52.03 (boleh berulang; bawaan: semua di tabel wilayah)",
        )
        parser.add_argument("--sql", action="store_true", help="cetak SQL saja, tanpa menjalankan")
        parser.add_argument("--copy", action="store_true", help="salin data pekerja yang ada")
        parser.add_argument(
            "--replace", action="store_true", help="hapus skema 'nasional' lama lebih dulu"
        )

    def handle(self, *args, regencies=None, sql=False, copy=False, replace=False, **options):
        codes = regencies or partitioning.regencies_in_use()
        try:
            if sql:
                statements = partitioning.partition_sql(codes)
                if copy:
                    statements += partitioning.copy_sql()
                for statement in statements:
                    self.stdout.write(statement + ";")
                return
            partitioning.apply(codes, copy=copy, replace=replace)
        except partitioning.PartitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Partisi dibuat untuk {len(codes)} kabupaten/kota.")
        for parent, child, rows, size in partitioning.partition_sizes():
            if rows:
                self.stdout.write(f"  {child}: {rows:,} baris, {size / 2**20:,.1f} MiB ({parent})")
