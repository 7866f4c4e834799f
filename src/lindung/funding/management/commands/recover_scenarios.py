"""`lindung recover_scenarios`: mark allocation scenarios whose run died as failed."""

from django.core.management.base import BaseCommand

from lindung.funding import scenarios


class Command(BaseCommand):
    help = "Tandai skenario alokasi yang terhenti (tanpa kemajuan 15 menit) sebagai gagal."

    def handle(self, *args, **options):
        count = scenarios.recover_stale()
        self.stdout.write(f"{count} skenario terhenti ditandai gagal.")
