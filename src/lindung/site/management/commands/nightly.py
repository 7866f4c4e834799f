from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Order matters: statuses first (lapses), then the village tallies and coverage figures that
# count them, then a backup of the finished state. The home and worklist figures need no
# warm-up: they are read from the village tallies (first visit at 1M: bench/RESULTS.md).
STEPS = (
    ("apply_lapse_rules", "Status menunggak/berakhir"),
    ("tallies_rebuild", "Hitung ulang rekap per desa (pengaman; tiap perubahan sudah mencatatnya)"),
    ("coverage_refresh", "Hitung ulang cakupan"),
    ("recover_jobs", "Pekerjaan latar belakang yang terhenti (impor, laporan, skenario)"),
    ("purge_files", "Hapus berkas impor dan laporan yang lewat masa simpan"),
    ("find_duplicates", "Kemungkinan duplikat di tiap kabupaten (antardesa)"),
    ("backup", "Cadangan basis data"),
)


class Command(BaseCommand):
    help = (
        "Pekerjaan malam: aturan tunggakan, hitung ulang cakupan, pekerjaan terhenti, "
        "berkas lewat masa simpan, kemungkinan duplikat, cadangan. Jalankan tiap hari."
    )

    def add_arguments(self, parser):
        parser.add_argument("--skip", action="append", default=[], help="lewati langkah ini")

    def handle(self, *args, skip, **opts):
        failed = []
        for name, label in STEPS:
            if name in skip:
                continue
            self.stdout.write(f"== {label} ({name})")
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception as exc:  # one failing step must not stop the others
                failed.append(name)
                self.stderr.write(f"{name} gagal: {exc}")
        if failed:
            raise CommandError(f"Langkah gagal: {', '.join(failed)}")
        self.stdout.write("Pekerjaan malam selesai.")
