from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Cadangkan basis data ke berkas (dengan manifes jumlah baris dan checksum)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="berkas tujuan (default var/backup/...)")

    def handle(self, path=None, **opts):
        from django.conf import settings

        if path is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = settings.VAR_DIR / "backup" / f"lindung-{stamp}.dump"
        try:
            result = backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.manifest["tables"].values())
        self.stdout.write(f"Cadangan tersimpan: {result.path} ({rows} baris).")
