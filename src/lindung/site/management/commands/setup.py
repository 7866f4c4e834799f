import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from lindung.areas.services import load_areas


class Command(BaseCommand):
    help = "Migrasi basis data dan muat daftar wilayah Kemendagri (aman dijalankan berulang)."

    def add_arguments(self, parser):
        parser.add_argument("--skip-migrate", action="store_true")

    def handle(self, *args, skip_migrate=False, **opts):
        started = time.monotonic()
        if not skip_migrate:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("Migrasi selesai.")
        bar = tqdm(total=0, desc="Wilayah", unit=" baris", disable=None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        result = load_areas(progress=progress)
        bar.close()
        self.stdout.write(
            f"Wilayah: {result.total} di daftar, {result.created} baru, "
            f"{result.updated} diperbarui ({time.monotonic() - started:.1f} dtk)."
        )
