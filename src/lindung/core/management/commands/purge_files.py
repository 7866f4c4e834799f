"""`lindung purge_files`: delete uploaded lists and report files past their retention period."""

from django.core.management.base import BaseCommand, CommandError

from lindung.core import retention


class Command(BaseCommand):
    help = (
        "Hapus berkas impor dan laporan dari pekerjaan yang selesai lebih lama dari masa simpan "
        "(LINDUNG_FILE_RETENTION_DAYS, bawaan 30 hari). Catatan pekerjaannya tetap ada."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="masa simpan dalam hari (bawaan: pengaturan)"
        )

    def handle(self, *args, days, **options):
        if days is not None and days < 1:
            raise CommandError("Masa simpan minimal 1 hari.")
        days = retention.retention_days() if days is None else days
        for name, count in retention.purge_all(days=days).items():
            label = retention.PURGERS[name].label
            self.stdout.write(f"{label}: {count} pekerjaan, berkasnya dihapus (> {days} hari).")
