"""Seed the occupation list and the first eligibility rules.

Sector priority follows the Lombok Timur Bupati's order: tobacco farmers first, then UMKM,
MBG kitchen workers, marbot/guru ngaji, then other vulnerable workers
(reference/domain-research.md §5.2, §7.2, §7.3, §3). Everything is editable data.
"""

import datetime as dt

from django.db import migrations

# (code, name, priority, description with source)
SECTORS = [
    ("petani-tembakau", "Petani tembakau", 1,
     "Prioritas pertama Pemkab Lombok Timur; target 17 ribu petani tembakau (ref §5.2, §7.2)."),
    ("buruh-tani-tembakau", "Buruh tani tembakau", 1,
     "Sasaran DBHCHT (PMK 72/2024; Perbup Situbondo; Dinsos Tegal) (ref §5.2)."),
    ("pelaku-umkm", "Pelaku UMKM / usaha mikro", 2,
     "73.000 UMKM Lombok Timur didaftarkan mulai APBD 2026 (ref §7.2)."),
    ("pekerja-dapur-mbg", "Pekerja dapur MBG (SPPG)", 3,
     "Dapur Makan Bergizi Gratis: 53 dari 130 dapur sudah mendaftarkan pekerja, Des 2025 (ref §7.3)."),
    ("marbot-masjid", "Marbot masjid/mushola", 4,
     "2.560 marbot dan guru ngaji terdaftar (ref §7.3); Perwal Kota Serang (ref §3)."),
    ("guru-ngaji", "Guru ngaji", 4, "Bersama marbot masjid (ref §3, §7.3)."),
    ("buruh-tani", "Buruh tani", 5,
     "Bupati meminta Dana Desa membayar iuran buruh tani, 9 Des 2025 (ref §5.1)."),
    ("petani", "Petani", 5, "Pekerja rentan (Penajam Paser Utara) (ref §3)."),
    ("nelayan", "Nelayan", 5, "Pekerja rentan (ref §3)."),
    ("buruh-harian-lepas", "Buruh harian lepas", 5, "Penghasilan tidak tetap (ref §3)."),
    ("pedagang", "Pedagang kecil/keliling", 5, "Pekerja mandiri berpenghasilan rendah (ref §3)."),
    ("ojek", "Pengemudi ojek", 5, "Pekerja rentan (ref §3)."),
    ("juru-parkir", "Juru parkir", 5, "Pekerja rentan (ref §3)."),
    ("buruh-pelabuhan", "Buruh pelabuhan", 5, "Pekerja rentan (ref §3)."),
    ("kader-desa", "Kader desa (posyandu, PKK) / RT/RW", 6,
     "Disebut DPMD Banjar bersama RT/RW sebagai sasaran APBDes (ref §5.1)."),
    ("perangkat-desa", "Perangkat desa", 7,
     "Di Lombok Timur sudah ditanggung Pemda (ref §5.1, §7.3)."),
    ("lainnya", "Lainnya", 9, "Pekerjaan lain di luar hubungan kerja."),
]

DEFAULT_SOURCE = (
    "Usia minimum 15 tahun: batas penduduk usia kerja/angkatan kerja BPS (ref §7.2). "
    "Usia maksimum BPU BELUM TERKONFIRMASI (ref §3, §9.4: 56 tahun pada 2017, BPJSTK "
    "mengusulkan 61; PROBIS Perdir 22/2022 menyebut batasan usia saat pendaftaran pertama) "
    "— biarkan kosong sampai ada ketentuan resmi. Tidak ada syarat domisili nasional untuk "
    "BPU (ref §3)."
)

# (funding type, residency, sector codes or None for all, source, note)
RULES = [
    ("", False, None, DEFAULT_SOURCE, "Aturan umum untuk sumber dana tanpa aturan sendiri."),
    ("DBHCHT", True, ["petani-tembakau", "buruh-tani-tembakau"],
     "PMK 72/2024 (menggantikan PMK 215/PMK.07/2021), komponen Kesejahteraan Masyarakat; "
     "Perbup Situbondo (Pasal 5 ayat 9 PMK 72/2024); Dinsos Tegal: diutamakan petani "
     "tembakau (ref §5.2). Domisili: skema daerah menetapkan sendiri (Blitar, ref §3).",
     "Situbondo juga membiayai pekerja rentan lain dari DBHCHT: perluas daftar sektor bila "
     "Perbup Lombok Timur mengizinkan."),
    ("APBD", True, None,
     "Inpres 2/2021; SE Mendagri 842.2/5193/SJ; Perbup bantuan iuran pekerja rentan "
     "(Bantul 41/2025) (ref §5.3). Domisili di kabupaten: contoh Blitar (ref §3).", ""),
    ("APBD_PROVINSI", True, None,
     "Pembiayaan bersama Pemprov (ref §5.3; anchors §7 butir 2).", ""),
    ("DANA_DESA", True, None,
     "Permendes PDT 16/2025 menurut BPJSTK/DPMD; SE Bupati Lombok Timur "
     "400.10.2.4/112/PMD/2026 (ref §5.1).",
     "DIPERSENGKETAKAN (ref §9.6): teks Permendes 16/2025 tentang iuran jamsostek warga "
     "biasa belum dibaca. Iuran perangkat desa jelas boleh dari APBDes."),
]

START = dt.date(2015, 7, 1)  # BPJS Ketenagakerjaan runs JKK/JKM for BPU under PP 44/2015.


def seed(apps, schema_editor):
    Sector = apps.get_model("workers", "Sector")
    Rule = apps.get_model("workers", "EligibilityRule")
    for code, name, priority, description in SECTORS:
        Sector.objects.update_or_create(
            code=code,
            defaults={"name": name, "priority": priority, "description": description},
        )
    if Rule.objects.exists():
        return
    for funding_type, residency, sector_codes, source, note in RULES:
        rule = Rule.objects.create(
            funding_type=funding_type,
            effective_from=START,
            min_age=15,
            max_age=None,
            requires_residency=residency,
            source=source,
            note=note,
        )
        if sector_codes:
            rule.allowed_sectors.set(Sector.objects.filter(code__in=sector_codes))


class Migration(migrations.Migration):
    dependencies = [("workers", "0002_worker_verification_eligibility_rule")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
