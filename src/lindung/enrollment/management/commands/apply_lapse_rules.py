"""Nightly job: mark overdue memberships menunggak and end those unpaid too long."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from lindung.enrollment.services import apply_lapse_rules


class Command(BaseCommand):
    help = "Terapkan aturan tunggakan (Perdir 22/PERDIR.02/072022) pada semua kepesertaan."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Tanggal acuan YYYY-MM-DD (bawaan: hari ini)")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Format tanggal harus YYYY-MM-DD.") from exc
        result = apply_lapse_rules(day)
        self.stdout.write(
            f"Menunggak: {result.to_menunggak}; berakhir karena tunggakan: {result.to_berakhir}"
        )
