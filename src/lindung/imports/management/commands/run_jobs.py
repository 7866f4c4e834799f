"""`lindung run_jobs [--once]`: process waiting import jobs (fallback when threads are not used)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from lindung.imports import jobs
from lindung.imports.models import ImportJob


class Command(BaseCommand):
    help = "Jalankan antrean impor yang menunggu (dan tandai impor yang terhenti)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="proses antrean sekali lalu keluar")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, **options):
        while True:
            stale = jobs.recover_stale()
            if stale:
                self.stdout.write(f"{stale} impor terhenti ditandai gagal.")
            waiting = list(
                ImportJob.objects.filter(status__in=ImportJob.WAITING)
                .order_by("created_at")
                .values_list("pk", flat=True)
            )
            for job_id in waiting:
                job = jobs.process(job_id)
                if job is not None:
                    self.stdout.write(f"Impor #{job.pk}: {job.get_status_display()}")
            if options["once"]:
                return
            time.sleep(options["interval"])
