from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Pulihkan basis data dari berkas cadangan (isi basis data saat ini diganti)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="jangan tanya konfirmasi")

    def handle(self, path, yes=False, **opts):
        if not yes:
            answer = input("Semua data saat ini akan diganti. Lanjutkan? [ya/tidak] ")
            if answer.strip().lower() not in {"ya", "y"}:
                raise CommandError("Dibatalkan.")
        try:
            counts = restore(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Pemulihan selesai dan terverifikasi: {sum(counts.values())} baris.")
