from lindung.audit.services import history_entries
from lindung.workers import testing


def test_worker_changes_are_recorded_and_viewable_by_admin(client, users):
    worker = testing.make_worker(testing.VILLAGE_A, name="Baiq Nurhasanah")
    worker.name = "Baiq Nur Hasanah"
    worker.address = "Dusun Lendang"
    worker.save()
    entries = history_entries(worker)
    assert [e["type"] for e in entries] == ["Diubah", "Dibuat"]
    changed = {c["field"]: (c["old"], c["new"]) for c in entries[0]["changes"]}
    assert changed["nama lengkap"] == ("Baiq Nurhasanah", "Baiq Nur Hasanah")
    assert changed["alamat"] == ("", "Dusun Lendang")

    client.force_login(users["admin_kabupaten"])
    page = client.get(f"/audit/workers/worker/{worker.pk}/")
    assert page.status_code == 200
    assert "Baiq Nur Hasanah" in page.content.decode()


def test_history_hidden_from_non_admins_and_outside_scope(client, users, other_village_operator):
    worker = testing.make_worker(testing.VILLAGE_A)
    client.force_login(users["operator_desa"])
    assert client.get(f"/audit/workers/worker/{worker.pk}/").status_code == 404
    outsider = testing.make_user("admin_kabupaten", "52.03.02")
    client.force_login(outsider)
    assert client.get(f"/audit/workers/worker/{worker.pk}/").status_code == 404


def test_deletion_is_recorded(users):
    worker = testing.make_worker(testing.VILLAGE_A)
    pk = worker.pk
    worker.delete()
    from lindung.workers.models import Worker

    assert Worker.history.filter(id=pk, history_type="-").count() == 1
