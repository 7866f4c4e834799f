import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lindung.core.demo import registry
from lindung.site.demo import services
from lindung.site.demo.users import DEMO_PASSWORD, ensure_demo_users
from lindung.workers.models import Worker


class Command(BaseCommand):
    help = (
        "Isi basis data dengan data contoh Lombok Timur (pekerja, kepesertaan, data aplikasi "
        "lain) dan buat akun demo per peran. Data ini rekaan, bukan data warga sebenarnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=20000, help="jumlah pekerja contoh")
        parser.add_argument("--seed", type=int, default=1, help="benih acak (hasil sama)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="lewati pembuatan data bila sudah ada pekerja (akun demo tetap dicetak)",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="tanggal 'hari ini' data contoh (YYYY-MM-DD); bawaan: hari ini",
        )
        parser.add_argument(
            "--skip-step",
            action="append",
            default=[],
            metavar="NAMA",
            help="lewati langkah demo aplikasi lain (boleh diulang), mis. --skip-step funding",
        )
        parser.add_argument(
            "--no-steps",
            action="store_true",
            help="hanya pekerja dan kepesertaan; lewati semua langkah demo aplikasi lain",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="tanpa entri riwayat (django-simple-history) untuk baris contoh; lebih cepat",
        )

    def handle(
        self, *args, workers, seed, if_empty, today, no_history, skip_step, no_steps, **opts
    ):
        if workers < 0:
            raise CommandError("--workers tidak boleh negatif.")
        known = {step.name for step in registry.steps()}
        unknown = sorted(set(skip_step) - known)
        if unknown:
            raise CommandError(
                f"Langkah demo tidak dikenal: {', '.join(unknown)}. "
                f"Yang terdaftar: {', '.join(sorted(known)) or '-'}."
            )
        if if_empty and Worker.objects.exists():
            services.ensure_areas()
            logins = ensure_demo_users()
            count = f"{Worker.objects.count():,}".replace(",", ".")
            self.stdout.write(f"Sudah ada {count} pekerja; data contoh tidak dibuat ulang.")
            self._print_logins(logins)
            return

        bars: dict[str, tqdm] = {}

        def progress(phase: str, done: int, total: int) -> None:
            # "langkah demo (funding)": one bar for all steps, named after the running one.
            key = phase.split(" (")[0]
            bar = bars.get(key)
            if bar is None:
                unit = " langkah" if key != phase else " baris"
                bar = bars[key] = tqdm(total=total, desc=key.capitalize(), unit=unit, disable=None)
            if key != phase:
                bar.set_description(phase.capitalize())
            bar.update(done - bar.n)

        def report(line: str) -> None:
            self.stdout.write(f"  {line}")

        try:
            result = services.generate(
                workers,
                seed,
                today=today,
                progress=progress,
                history=not no_history,
                run_registered_steps=not no_steps,
                skip_steps=set(skip_step),
                report=report,
            )
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Data contoh: {result.workers} pekerja, {result.memberships} kepesertaan, "
                f"{result.transitions} perubahan status, {result.history_rows} entri riwayat "
                f"({result.seconds:.1f} dtk, seed {seed})."
            )
        )
        self._print_logins(result.logins)

    def _print_logins(self, logins) -> None:
        rows = [
            (
                login.user.username,
                str(login.user.get_role_display()),
                f"{login.user.area_id} {login.user.area.name if login.user.area else ''}",
                login.password or "(akun asli; tidak diubah)",
            )
            for login in logins
        ]
        header = ("Nama pengguna", "Peran", "Wilayah", "Kata sandi")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write(f"Akun demo (kata sandi semua akun demo: {DEMO_PASSWORD})")
        self.stdout.write(
            "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
        )
        self.stdout.write(line)
        for row in rows:
            self.stdout.write(
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
