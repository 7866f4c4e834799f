"""Seed the benefit rule tables from reference/domain-research.md §2 (amounts, limits, checklist).

Each row carries its effective date and the regulation (as quoted by the sources listed in the
research). Editing a value later means adding a row with a new effective date, not changing this.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D = dt.date
PP44 = "PP 44/2015 (berlaku 1 Jul 2015)"
PP82 = "PP 82/2019 (perubahan PP 44/2015), ditetapkan 2 Des 2019"
PMK5 = "Permenaker 5/2021 (berlaku 1 Apr 2021)"
PMK1 = "Permenaker 1/2025 (diundangkan 24 Feb 2025), menurut keterangan kantor cabang BPJS"

PARAMS = [
    # code, label, value, unit, effective_from, regulation, note
    ("jkm_lump_sum", "JKM santunan sekaligus", 16_200_000, "Rp", D(2015, 7, 1), PP44 + " Pasal 34", "Sebelum PP 82/2019 (riset domain §2.1)."),
    ("jkm_lump_sum", "JKM santunan sekaligus", 20_000_000, "Rp", D(2019, 12, 2), PP82 + " Pasal 34", "Riset domain §2.1."),
    ("jkm_periodic", "JKM santunan berkala 24 bulan (dibayar sekaligus)", 4_800_000, "Rp", D(2015, 7, 1), PP44 + " Pasal 34", ""),
    ("jkm_periodic", "JKM santunan berkala 24 bulan (dibayar sekaligus)", 12_000_000, "Rp", D(2019, 12, 2), PP82 + " Pasal 34", ""),
    ("jkm_funeral", "JKM biaya pemakaman", 3_000_000, "Rp", D(2015, 7, 1), PP44 + " Pasal 34", ""),
    ("jkm_funeral", "JKM biaya pemakaman", 10_000_000, "Rp", D(2019, 12, 2), PP82 + " Pasal 34", ""),
    ("jkm_scholarship_min_months", "Masa iuran minimal untuk beasiswa JKM", 60, "bulan", D(2015, 7, 1), PP44, "5 tahun sebelum PP 82/2019."),
    ("jkm_scholarship_min_months", "Masa iuran minimal untuk beasiswa JKM", 36, "bulan", D(2019, 12, 2), PP82, "3 tahun (riset domain §2.1)."),
    ("jkm_waiting_months", "Masa tunggu JKM penuh (kepesertaan minimal)", 3, "bulan", D(2025, 2, 24), PMK1, "Teks pasal belum dibaca (riset domain §2.1 [?])."),
    ("jkm_waiting_funeral_only", "Masa tunggu: biaya pemakaman (varian Palu)", 10_000_000, "Rp", D(2025, 2, 24), PMK1, "Varian 'pemakaman' — kontradiksi §9 no. 2."),
    ("jkm_waiting_lump_sum", "Masa tunggu: santunan kematian (varian Meulaboh/Sumenep)", 8_000_000, "Rp", D(2025, 2, 24), PMK1 + "; Peraturan BPJS Ketenagakerjaan 5/2021 menurut Cabang Meulaboh", "Varian 'santunan_pemakaman' — kontradiksi §9 no. 2."),
    ("jkm_waiting_funeral", "Masa tunggu: biaya pemakaman (varian Meulaboh/Sumenep)", 2_000_000, "Rp", D(2025, 2, 24), PMK1 + "; Peraturan BPJS Ketenagakerjaan 5/2021 menurut Cabang Meulaboh", "Varian 'santunan_pemakaman' — kontradiksi §9 no. 2."),
    ("jkk_death_multiplier", "JKK meninggal: kelipatan penghasilan dilaporkan", 48, "×", D(2015, 7, 1), PP44 + " sebagaimana diubah PP 82/2019", "Riset domain §2.3."),
    ("jkk_stmb_full_months", "STMB dibayar penuh selama", 12, "bulan", D(2015, 7, 1), PP44 + " sebagaimana diubah PP 82/2019", "Riset domain §2.3; dasar BPU = penghasilan dilaporkan [inferred]."),
    ("jkk_stmb_full_pct", "STMB 12 bulan pertama", 100, "%", D(2015, 7, 1), PP44 + " sebagaimana diubah PP 82/2019", ""),
    ("jkk_stmb_after_pct", "STMB setelah 12 bulan sampai sembuh", 50, "%", D(2015, 7, 1), PP44 + " sebagaimana diubah PP 82/2019", ""),
    ("jkk_stmb_days_per_month", "Pembagi harian STMB (hari per bulan)", 30, "hari", D(2015, 7, 1), "Konvensi perhitungan Lindung; konfirmasi ke Kantor Cabang", "Tidak ada di sumber riset; dapat diubah."),
    ("jkk_claim_window_years", "Batas pengajuan klaim JKK sejak kecelakaan", 2, "tahun", D(2015, 7, 1), PP44 + " Pasal 26", ""),
    ("jkk_claim_window_years", "Batas pengajuan klaim JKK sejak kecelakaan", 5, "tahun", D(2019, 12, 2), PP82 + " Pasal 26", "Riset domain §2.3."),
    ("scholarship_max_children", "Beasiswa: jumlah anak maksimal", 2, "anak", D(2019, 12, 2), PP82, "Riset domain §2.1."),
    ("scholarship_max_age", "Beasiswa berakhir pada usia", 23, "tahun", D(2021, 4, 1), PMK5, "Juga berakhir bila menikah atau bekerja (§2.2)."),
    ("payment_deadline_working_days", "Manfaat dibayar paling lama sejak berkas lengkap", 3, "hari kerja", D(2015, 7, 1), PP44, "Riset domain §2.4."),
    ("late_penalty_pct_per_day", "Kompensasi keterlambatan per hari", 1, "% manfaat", D(2015, 7, 1), PP44, "Riset domain §2.4."),
    ("heir_will_notarial_required", "Wasiat harus akta notaris (1 = ya)", 1, "", D(2025, 2, 24), "Permenaker 1/2025 (Pasal 79)", "Riset domain §2.4; diasumsikan berlaku untuk BPU."),
    ("deceased_followup_days", "Peserta meninggal tanpa klaim masuk daftar kerja setelah", 30, "hari", D(2015, 7, 1), "Kebijakan program UCJ Kabupaten (jemput bola klaim)", "Bukan ketentuan peraturan; dapat diubah."),
]

SCHOLARSHIPS = [
    ("tk_sd", 1_500_000, 8),
    ("smp", 2_000_000, 3),
    ("sma", 3_000_000, 3),
    ("pt", 12_000_000, 5),
]

DOCS = {
    "JKM": [
        ("kartu_peserta", "Kartu peserta BPJS Ketenagakerjaan (KPJ)", ""),
        ("akta_kematian", "Akta kematian", ""),
        ("ktp_ahli_waris", "KTP ahli waris", ""),
        ("kk", "Kartu Keluarga (KK)", ""),
        ("surat_ahli_waris", "Surat keterangan ahli waris", ""),
        ("buku_tabungan", "Buku tabungan ahli waris", ""),
        ("buku_nikah", "Buku nikah (penerima janda/duda)", "pasangan"),
        ("akta_wasiat", "Akta wasiat notaris", "wasiat"),
        ("penetapan_pengadilan", "Penetapan ahli waris dari pengadilan", "pengadilan"),
    ],
    "JKK": [
        ("kartu_peserta", "Kartu peserta BPJS Ketenagakerjaan (KPJ)", ""),
        ("laporan_kecelakaan", "Laporan kecelakaan kerja (2×24 jam)", ""),
        ("kronologi", "Kronologi kejadian dan saksi", ""),
        ("ktp_peserta", "KTP peserta", "kecelakaan"),
        ("surat_dokter", "Surat keterangan dokter / rincian STMB", "kecelakaan"),
        ("buku_tabungan_peserta", "Buku tabungan peserta", "kecelakaan"),
        ("akta_kematian", "Akta kematian", "meninggal"),
        ("ktp_ahli_waris", "KTP ahli waris", "meninggal"),
        ("kk", "Kartu Keluarga (KK)", "meninggal"),
        ("surat_ahli_waris", "Surat keterangan ahli waris", "meninggal"),
        ("buku_tabungan", "Buku tabungan ahli waris", "meninggal"),
        ("buku_nikah", "Buku nikah (penerima janda/duda)", "pasangan"),
        ("akta_wasiat", "Akta wasiat notaris", "wasiat"),
        ("penetapan_pengadilan", "Penetapan ahli waris dari pengadilan", "pengadilan"),
    ],
    "JHT": [
        ("kartu_peserta", "Kartu peserta BPJS Ketenagakerjaan (KPJ)", ""),
        ("ktp", "KTP peserta (atau ahli waris bila meninggal)", ""),
        ("kk", "Kartu Keluarga (KK)", ""),
        ("buku_tabungan", "Buku tabungan penerima", ""),
        ("akta_kematian", "Akta kematian", "meninggal"),
        ("surat_ahli_waris", "Surat keterangan ahli waris", "meninggal"),
    ],
}
DOC_BASIS = (
    "Riset domain §2.4: dokumen klaim umum (satujuang.com; Permenaker 4/2023 Pasal 57(1)); "
    "laporan 2×24 jam, akta wasiat notaris dan penetapan pengadilan: Permenaker 1/2025"
)


def seed(apps, schema_editor):
    BenefitParameter = apps.get_model("claims", "BenefitParameter")
    ScholarshipRate = apps.get_model("claims", "ScholarshipRate")
    DocumentRequirement = apps.get_model("claims", "DocumentRequirement")
    for code, label, value, unit, start, regulation, note in PARAMS:
        BenefitParameter.objects.update_or_create(
            code=code,
            effective_from=start,
            defaults={"label": label, "value": Decimal(value), "unit": unit,
                      "regulation": regulation, "note": note},
        )
    for level, amount, years in SCHOLARSHIPS:
        ScholarshipRate.objects.update_or_create(
            level=level,
            effective_from=D(2021, 4, 1),
            defaults={"yearly_amount": amount, "max_years": years, "regulation": PMK5},
        )
    for claim_type, docs in DOCS.items():
        for order, (code, label, condition) in enumerate(docs, start=1):
            DocumentRequirement.objects.update_or_create(
                claim_type=claim_type,
                code=code,
                effective_from=D(2015, 7, 1),
                defaults={"label": label, "condition": condition, "order": order * 10,
                          "regulation": DOC_BASIS},
            )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
