"""Seed BPU tariffs, discount programmes and the lapse rule from domain-research.md §1.

Every figure below is cited in that document; the income-bracket table is deliberately
incomplete (only the Rp1.000.000 level is attested) and flagged as such.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

TRANSPORT_SECTORS = ["ojek", "ojek-online", "sopir", "kurir", "transportasi"]

# Funding paid through APBD (regency or province; DBHCHT is spent through the regency APBD).
APBD_PAID = ["APBD", "APBD_PROVINSI", "DBHCHT"]
# Conservative default for budgeting: Dana Desa is an APBN transfer, so assume no discount until
# the branch confirms otherwise (domain-research §1.2 and §9.5). Editable per programme.
DANA_DESA_OPEN = (
    "Apakah iuran yang dibayar dari Dana Desa/APBDes termasuk 'dibayar melalui APBN/APBD' "
    "(tidak mendapat potongan)? Belum terjawab di sumber mana pun (domain-research §1.2, §9.5). "
    "Bawaan Lindung: Dana Desa DIKECUALIKAN (iuran penuh) agar anggaran desa tidak kurang; "
    "ubah setelah ada konfirmasi cabang BPJS Ketenagakerjaan."
)
PP50_PERIOD_NOTE = (
    "Periode per sektor hanya dari satu sumber sekunder (babeindonesia.com); perlu dicek ke "
    "naskah PP 50/2025 (domain-research §9.5)."
)


def seed(apps, schema_editor):
    TariffVersion = apps.get_model("enrollment", "TariffVersion")
    IncomeBracket = apps.get_model("enrollment", "IncomeBracket")
    DiscountProgramme = apps.get_model("enrollment", "DiscountProgramme")
    LapseRule = apps.get_model("enrollment", "LapseRule")

    tariff, _ = TariffVersion.objects.update_or_create(
        code="pp44-2015",
        defaults={
            "name": "Iuran BPU menurut PP 44/2015 (diubah terakhir PP 49/2023) dan PP 46/2015",
            "effective_from": dt.date(2015, 7, 1),
            "effective_to": None,
            "regulation": (
                "PP 44/2015 Lampiran II sebagaimana diubah terakhir dengan PP 49/2023 "
                "(JKK, JKM Rp6.800); PP 46/2015 (JHT 2%)"
            ),
            "jkk_percent": Decimal("1.00"),
            "jkm_flat": 6800,
            "jht_percent": Decimal("2.00"),
            "brackets_complete": False,
            "note": (
                "Tabel jenjang penghasilan Lampiran II belum ditemukan; hanya jenjang "
                "Rp1.000.000 (JKK Rp10.000) yang terkonfirmasi. Batas atas Rp207.000 JKK / "
                "Rp414.000 JHT hanya dari satu blog dan tidak konsisten. Isi dari PDF resmi "
                "Lampiran II lalu tandai lengkap (domain-research §1.1, §9.1)."
            ),
            "source": "domain-research.md §1.1",
        },
    )
    IncomeBracket.objects.update_or_create(
        tariff=tariff, lower=0, defaults={"upper": 1_000_000, "nominal_income": 1_000_000}
    )

    DiscountProgramme.objects.update_or_create(
        code="pp49-2020",
        defaults={
            "name": "Relaksasi iuran COVID-19 (PP 49/2020)",
            "regulation": "PP 49/2020",
            "percent": Decimal("99.00"),
            "first_month": dt.date(2020, 8, 1),
            "last_month": dt.date(2021, 1, 1),
            "sector_scope": "all",
            "transport_sector_codes": [],
            "excluded_funding_types": [],
            "requires_paid_up_before": True,
            "condition_note": (
                "Potongan 99% JKK dan JKM. Peserta yang terdaftar sebelum Agustus 2020 baru "
                "mendapat potongan setelah melunasi iuran sampai Juli 2020 (Pasal 13 ayat 1). "
                "Batas bayar bulanan dipindah dari tanggal 15 ke tanggal 30."
            ),
            "open_question": "",
            "source": "domain-research.md §1.2",
        },
    )
    common = {
        "regulation": "PP 50/2025 Pasal 3 dan Pasal 4 ayat (1)",
        "percent": Decimal("50.00"),
        "transport_sector_codes": TRANSPORT_SECTORS,
        "excluded_funding_types": APBD_PAID + ["DANA_DESA"],
        "requires_paid_up_before": False,
        "condition_note": (
            "Potongan 50% JKK+JKM bagi BPU pekerja di luar hubungan kerja/pekerja mandiri. "
            "Tidak berlaku bagi BPU yang iurannya dibayar melalui APBN atau APBD. Manfaat "
            "tidak berkurang; kelebihan bayar bulan berpotongan dikreditkan ke bulan berikutnya."
        ),
        "source": "domain-research.md §1.2",
    }
    DiscountProgramme.objects.update_or_create(
        code="pp50-2025-umum",
        defaults={
            **common,
            "name": "Potongan iuran BPU 50% (PP 50/2025), selain sektor transportasi",
            "first_month": dt.date(2026, 4, 1),
            "last_month": dt.date(2026, 12, 1),
            "sector_scope": "non_transport",
            "open_question": DANA_DESA_OPEN + "\n" + PP50_PERIOD_NOTE,
        },
    )
    DiscountProgramme.objects.update_or_create(
        code="pp50-2025-transportasi",
        defaults={
            **common,
            "name": "Potongan iuran BPU 50% (PP 50/2025), sektor transportasi",
            "first_month": dt.date(2026, 1, 1),
            "last_month": dt.date(2027, 3, 1),
            "sector_scope": "transport",
            "open_question": DANA_DESA_OPEN + "\n" + PP50_PERIOD_NOTE,
        },
    )

    LapseRule.objects.update_or_create(
        code="perdir-22-2022",
        defaults={
            "effective_from": dt.date(2022, 7, 1),
            "regulation": (
                "Perdir BPJS Ketenagakerjaan 22/PERDIR.02/072022 (buku PROBIS KEPESERTAAN "
                "hlm. 59); PP 44/2015 (batas bayar tanggal 15 bulan iuran)"
            ),
            "payment_periods": [1, 3, 6, 12],
            "payment_deadline_day": 15,
            "max_unpaid_months": 3,
            "rejoin_policy": "restart",
            "open_question": (
                "Bergabung kembali setelah menunggak lebih dari 3 bulan: FAQ BPJSTK menyebut "
                "'dapat melanjutkan kepesertaannya', Kepala Cabang Palu menyebut 'mulai dari "
                "nol lagi' (domain-research §1.3, §9.3). Bawaan Lindung: mulai dari nol "
                "(masa kepesertaan untuk tunggu JKM 3 bulan dan beasiswa 3 tahun dihitung ulang). "
                "Tunggakan dapat dibayar paling banyak 3 bulan sejak perlindungan berhenti; "
                "status 'nonaktif' (bukan berakhir) bila JHT sudah diklaim."
            ),
            "source": "domain-research.md §1.3",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0002_tariffs_and_payments")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
