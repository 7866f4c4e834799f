"""The access log page: admin only, filters through a form."""

from lindung.audit.models import AccessLog, log_access
from lindung.core import testing


class TestAccessLogPage(testing.ListFilterTests):
    filter_urls = ("/audit/akses/",)


def test_access_log_is_admin_only_and_filters_by_action(client, users):
    log_access(users["operator_desa"], AccessLog.Action.EXPORT, "Daftar pekerja (CSV)")
    log_access(users["admin_kabupaten"], AccessLog.Action.ANONYMISE, "Pekerja 17")
    for role in ("operator_desa", "camat", "viewer", "petugas_bpjs"):
        client.force_login(users[role])
        assert client.get("/audit/akses/").status_code == 404, role
    client.force_login(users["admin_kabupaten"])
    body = client.get("/audit/akses/").content.decode()
    assert "Daftar pekerja (CSV)" in body and "Pekerja 17" in body
    body = client.get("/audit/akses/", {"aksi": "export"}).content.decode()
    assert "Daftar pekerja (CSV)" in body and "Pekerja 17" not in body
