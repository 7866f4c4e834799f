"""The denominator list: scoped, filtered by year through a form, import for admins only."""

from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.areas.models import WorkforceDenominator
from lindung.core import testing


class TestDenominatorPage(testing.ListFilterTests):
    filter_urls = ("/wilayah/penyebut/",)


def _denominator(code, year, n):
    return WorkforceDenominator.objects.create(
        area_id=code, year=year, working_population=n, source="bps"
    )


def test_list_is_scoped_and_filters_by_year(client, users):
    _denominator(testing.VILLAGE_A, 2025, 1234)
    _denominator(testing.VILLAGE_B, 2025, 5678)
    _denominator(testing.VILLAGE_A, 2024, 1111)
    client.force_login(users["operator_desa"])
    body = client.get("/wilayah/penyebut/").content.decode()
    assert "1.234" in body and "1.111" in body and "5.678" not in body
    body = client.get("/wilayah/penyebut/", {"tahun": 2025}).content.decode()
    assert "1.234" in body and "1.111" not in body
    response = client.get("/wilayah/penyebut/", {"tahun": -1})
    assert response.status_code == 200 and 'class="msg warning"' in response.content.decode()
    assert "1.111" in response.content.decode()  # the bad year is dropped, not applied


def test_import_is_for_admins_only(client, users):
    upload = SimpleUploadedFile("d.csv", b"kode_wilayah,tahun,penduduk_bekerja,sumber\n")
    client.force_login(users["operator_desa"])
    assert client.post("/wilayah/penyebut/", {"file": upload}).status_code == 403
    client.force_login(users["admin_kabupaten"])
    csv = f"kode_wilayah,tahun,penduduk_bekerja,sumber\n{testing.VILLAGE_A},2025,900,bps\n"
    response = client.post(
        "/wilayah/penyebut/", {"file": SimpleUploadedFile("d.csv", csv.encode())}, follow=True
    )
    assert "1 penyebut tersimpan" in response.content.decode()
    assert WorkforceDenominator.objects.get(area_id=testing.VILLAGE_A).working_population == 900
