"""`lindung recover_jobs`: mark background jobs of every kind whose worker died as failed.

Running jobs without progress for 15 minutes are failed. Waiting jobs queued for longer are
failed too, but only when no `run_jobs` worker is alive (with one, they are just queued).
"""

from django.core.management.base import BaseCommand

from lindung.core import jobqueue


class Command(BaseCommand):
    help = "Tandai pekerjaan latar belakang yang terhenti (impor, laporan, skenario) sebagai gagal."

    def handle(self, *args, **options):
        waiting = not jobqueue.worker_alive()
        for kind in jobqueue.kinds():
            count = kind.recover(waiting)
            self.stdout.write(kind.stale_message.format(n=count))
