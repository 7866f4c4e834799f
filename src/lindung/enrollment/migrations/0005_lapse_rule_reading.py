"""State in the lapse rule how "more than 3 months unpaid" is read, and that only the
"start again" rejoin policy is applied (see docs/domain.md, section 2)."""

from django.db import migrations

OPEN_QUESTION = (
    "Dibaca begini: pada hari ini, kepesertaan berakhir bila 'dibayar sampai' jatuh sebelum "
    "tanggal 1 bulan ketiga sebelum bulan ini (pada 4 Desember: dibayar sampai 31 Agustus "
    "berakhir, sampai 30 September masih menunggak); perlindungan berhenti pada tanggal "
    "'dibayar sampai'. Bergabung kembali: FAQ BPJS Ketenagakerjaan menyebut 'dapat melanjutkan "
    "kepesertaannya', Kantor Cabang Palu menyebut 'mulai dari nol lagi'. Lindung menjalankan "
    "'mulai dari nol': kepesertaan yang berakhir tidak dibuka lagi, pekerja didaftarkan ulang "
    "dan masa kepesertaan (masa tunggu JKM, syarat beasiswa) dihitung ulang. Tunggakan dapat "
    "dibayar paling banyak 3 bulan sejak perlindungan berhenti; status 'nonaktif' (bukan "
    "berakhir) bila JHT sudah diklaim. Konfirmasi ke Kantor Cabang."
)
SOURCE = "Perdir BPJS Ketenagakerjaan 22/PERDIR.02/072022 (PROBIS kepesertaan); docs/domain.md"


def update(apps, schema_editor):
    LapseRule = apps.get_model("enrollment", "LapseRule")
    LapseRule.objects.filter(code="perdir-22-2022").update(
        open_question=OPEN_QUESTION, source=SOURCE
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0004_membership_newest_first")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
