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


def test_a_download_signalled_by_core_is_logged(users):
    # core.generic.export sends core.export.exported; audit, above core, writes the row.
    from lindung.audit.models import AccessLog
    from lindung.core import export

    export.exported.send(
        object, user=users["viewer"], what="Daftar pekerja (CSV)", area_code="52.03", record_count=7
    )
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.what) == (users["viewer"], "export", "Daftar pekerja (CSV)")
    assert (log.area_code, log.record_count) == ("52.03", 7)
