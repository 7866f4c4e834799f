"""The worker list's sector and priority pickers are read once and renewed by a sector change."""

from lindung.workers.choices import priority_choices, sector_choices
from lindung.workers.models import Sector


def test_remembered_until_a_sector_changes(lotim, django_assert_num_queries):
    Sector.objects.create(code="uji-a", name="Uji A", priority=3)
    first = sector_choices("Semua sektor")
    assert first[0] == ("", "Semua sektor")
    assert ("uji-a", "Uji A") in first
    assert (3, "Prioritas 3") in priority_choices("Semua prioritas")
    with django_assert_num_queries(0):
        assert sector_choices("Semua sektor") is first
        priority_choices("Semua prioritas")
    renamed = Sector.objects.get(code="uji-a")
    renamed.name = "Uji Baru"
    renamed.priority = 7
    renamed.save()
    assert ("uji-a", "Uji Baru") in sector_choices("Semua sektor")
    groups = [g for g, _label in priority_choices("Semua prioritas")][1:]
    assert 7 in groups
    assert groups == sorted(set(Sector.objects.values_list("priority", flat=True)))
    renamed.delete()
    assert "uji-a" not in dict(sector_choices("Semua sektor"))


def test_list_filters_by_sector_code(client, users, lotim):
    from lindung.workers.testing import make_worker

    tobacco = Sector.objects.create(code="uji-tembakau", name="Uji tembakau", priority=1)
    make_worker(name="Amaq Tembakau", sector=tobacco)
    make_worker(name="Inaq Lain")
    client.force_login(users["admin_kabupaten"])
    html = client.get("/pekerja/", {"sektor": "uji-tembakau"}).content.decode()
    assert "Amaq Tembakau" in html and "Inaq Lain" not in html
    assert '<option value="uji-tembakau" selected>' in html
