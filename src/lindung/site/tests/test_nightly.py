import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from lindung.enrollment.models import Membership
from lindung.workers import testing


@pytest.mark.django_db(transaction=True)
def test_nightly_runs_every_step(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    testing.load_lombok_timur()
    worker = testing.make_worker(testing.VILLAGE_A)
    testing.make_user("admin_kabupaten", testing.REGENCY)
    # Paid until long ago: the lapse rule must end it.
    membership = Membership.objects.create(
        worker=worker,
        village_id=worker.village_id,
        declared_income=1_000_000,
        status="aktif",
        coverage_start=dt.date(2025, 1, 1),
        paid_until=dt.date(2025, 3, 31),
    )
    out = StringIO()
    call_command("nightly", stdout=out)
    membership.refresh_from_db()
    assert membership.status == "berakhir"
    assert list((tmp_path / "backup").glob("*.dump"))
    assert "berkas impor: 0 pekerjaan" in out.getvalue()  # the retention step ran
    assert "Angka dihitung untuk" not in out.getvalue()  # no warm-up: figures come from tallies
    assert "Rekap per desa dihitung ulang" in out.getvalue()  # the tallies' safety net ran
    assert "52.03: 1 data, 0 pasangan mirip" in out.getvalue()  # the duplicate search ran
    assert "Pekerjaan malam selesai." in out.getvalue()
