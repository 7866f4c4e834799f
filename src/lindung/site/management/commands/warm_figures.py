"""`lindung warm_figures`: count the day's home and worklist figures above village level."""

from django.core.management.base import BaseCommand

from lindung.site.warm import warm_figures


class Command(BaseCommand):
    help = (
        "Hitung angka beranda dan daftar kerja hari ini untuk pengguna tingkat kabupaten dan "
        "kecamatan, agar kunjungan pertama tidak menunggu. Dijalankan tiap malam."
    )

    def handle(self, *args, **options):
        warmed = warm_figures()
        total = sum(w.seconds for w in warmed)
        for w in warmed:
            self.stdout.write(f"{w.username} ({w.area_code}): {w.seconds:.1f} detik")
        self.stdout.write(f"Angka dihitung untuk {len(warmed)} pengguna dalam {total:.1f} detik.")
