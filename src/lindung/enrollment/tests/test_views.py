"""Pages: scoping (404 outside the area), role permissions, forms and the calculator."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.core.formatting import format_date
from lindung.enrollment import services
from lindung.enrollment.models import ContributionPayment, Membership, MembershipStatus
from lindung.workers import testing

S = MembershipStatus


@pytest.fixture
def mem_a(roles):
    worker = testing.make_worker(testing.VILLAGE_A, name="Amaq Sahnan")
    return services.enrol(worker, by=roles["petugas_bpjs"], declared_income=1_000_000)


@pytest.fixture
def mem_b(roles):
    worker = testing.make_worker(testing.VILLAGE_B, name="Inaq Rumisah")
    return services.enrol(worker, by=roles["petugas_bpjs"], declared_income=1_000_000)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def users(roles):
    """The view test mixins log in as these."""
    return roles


class TestMembershipPages(
    testing.ScopedRecordTests,
    testing.ReadOnlyRoleTests,
    testing.MaskedPersonalDataTests,
    testing.ListFilterTests,
):
    record_urls = ("/kepesertaan/{pk}/", "/kepesertaan/{pk}/bayar/")
    record_post_urls = ("/kepesertaan/{pk}/status/", "/kepesertaan/{pk}/bayar/")
    list_url = "/kepesertaan/"
    edit_urls = ("/kepesertaan/{pk}/bayar/",)
    edit_post_urls = ("/kepesertaan/{pk}/status/",)
    post_data = {"to_status": S.BERAKHIR, "end_reason": "pindah", "months": 1}
    masked_urls = ("/kepesertaan/", "/kepesertaan/{pk}/")
    shows_phone = shows_birth_date = False
    filter_urls = ("/kepesertaan/",)

    def make_record(self, village_code):
        worker = testing.make_worker(village_code, phone="081234567890")
        m = services.enrol(worker, by=None, declared_income=1_000_000)
        Membership.objects.filter(pk=m.pk).update(status=S.DIAJUKAN)  # payable
        return m

    def record_label(self, m):
        return m.worker.name


def test_create_for_other_village_worker_is_404(client, roles):
    worker_a = testing.make_worker(testing.VILLAGE_A)
    login(client, roles["other_operator"])
    url = reverse("enrollment:create", args=[worker_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"declared_income": 1_000_000}).status_code == 404
    assert not Membership.objects.filter(worker=worker_a).exists()


def test_list_area_filter_outside_scope_is_dropped_with_a_warning(client, roles, mem_a, mem_b):
    login(client, roles["operator_desa"])
    response = client.get(reverse("enrollment:list"), {"wilayah": testing.VILLAGE_B})
    body = response.content.decode()
    assert response.status_code == 200 and "Wilayah tidak ditemukan di wilayah Anda" in body
    assert "Amaq Sahnan" in body and "Inaq Rumisah" not in body


def test_list_masks_nik_for_viewer(client, roles, mem_a):
    nik = mem_a.worker.nik
    login(client, roles["viewer"])
    body = client.get(reverse("enrollment:list")).content.decode()
    assert nik not in body and nik[:6] + "*" * 10 in body
    login(client, roles["operator_desa"])
    assert nik in client.get(reverse("enrollment:list")).content.decode()


def test_list_filters(client, roles, mem_a, mem_b):
    Membership.objects.filter(pk=mem_b.pk).update(status=S.AKTIF)
    login(client, roles["admin_kabupaten"])
    body = client.get(reverse("enrollment:list"), {"status": "aktif"}).content.decode()
    assert "Inaq Rumisah" in body and "Amaq Sahnan" not in body
    body = client.get(reverse("enrollment:list"), {"status": "pra_aktif"}).content.decode()
    assert "Amaq Sahnan" in body and "Inaq Rumisah" not in body
    body = client.get(reverse("enrollment:list"), {"q": "rumis"}).content.decode()
    assert "Inaq Rumisah" in body and "Amaq Sahnan" not in body


def test_list_expiring_filter(client, roles, mem_a, mem_b):
    today = timezone.localdate()
    Membership.objects.filter(pk=mem_a.pk).update(
        status=S.AKTIF, paid_until=today + dt.timedelta(days=20)
    )
    Membership.objects.filter(pk=mem_b.pk).update(
        status=S.AKTIF, paid_until=today + dt.timedelta(days=75)
    )
    login(client, roles["admin_kabupaten"])
    body = client.get(reverse("enrollment:list"), {"habis": 30}).content.decode()
    assert "Amaq Sahnan" in body and "Inaq Rumisah" not in body
    body = client.get(reverse("enrollment:list"), {"habis": 90}).content.decode()
    assert "Amaq Sahnan" in body and "Inaq Rumisah" in body


def test_empty_list_has_empty_state(client, roles):
    login(client, roles["operator_desa"])
    assert "Belum ada kepesertaan" in client.get(reverse("enrollment:list")).content.decode()


@pytest.mark.parametrize(
    "role,expected",
    [
        ("petugas_bpjs", {S.DIVERIFIKASI, S.BERAKHIR}),
        ("admin_kabupaten", {S.DIVERIFIKASI, S.BERAKHIR}),
        ("operator_desa", {S.BERAKHIR}),
        ("camat", set()),
        ("viewer", set()),
    ],
)
def test_detail_shows_only_allowed_next_states(client, roles, mem_a, role, expected):
    login(client, roles[role])
    response = client.get(reverse("enrollment:detail", args=[mem_a.pk]))
    assert response.status_code == 200
    form = response.context["transition_form"]
    shown = set(dict(form.fields["to_status"].choices)) if form else set()
    assert shown == expected
    body = response.content.decode()
    assert ("Simpan status" in body) == bool(expected)


def test_operator_cannot_verify(client, roles, mem_a):
    login(client, roles["operator_desa"])
    url = reverse("enrollment:transition", args=[mem_a.pk])
    client.post(url, {"to_status": S.DIVERIFIKASI})
    mem_a.refresh_from_db()
    assert mem_a.status == S.DIDATA


def test_transition_via_page_records_user(client, roles, mem_a):
    login(client, roles["petugas_bpjs"])
    url = reverse("enrollment:transition", args=[mem_a.pk])
    response = client.post(url, {"to_status": S.DIVERIFIKASI, "note": "KTP cocok"}, follow=True)
    mem_a.refresh_from_db()
    assert mem_a.status == S.DIVERIFIKASI
    t = mem_a.transitions.last()
    assert (t.by, t.note) == (roles["petugas_bpjs"], "KTP cocok")
    assert "Diverifikasi" in response.content.decode()


def test_illegal_transition_shows_message(client, roles, mem_a):
    Membership.objects.filter(pk=mem_a.pk).update(status=S.DIAJUKAN)
    login(client, roles["petugas_bpjs"])
    url = reverse("enrollment:transition", args=[mem_a.pk])
    response = client.post(url, {"to_status": S.AKTIF}, follow=True)
    assert "Catat pembayaran iuran pertama" in response.content.decode()
    mem_a.refresh_from_db()
    assert mem_a.status == S.DIAJUKAN


def test_ending_without_reason_is_refused_with_message(client, roles, mem_a):
    login(client, roles["operator_desa"])
    url = reverse("enrollment:transition", args=[mem_a.pk])
    response = client.post(url, {"to_status": S.BERAKHIR}, follow=True)
    assert "alasan berakhir" in response.content.decode().lower()
    client.post(url, {"to_status": S.BERAKHIR, "end_reason": "pindah"})
    mem_a.refresh_from_db()
    assert (mem_a.status, mem_a.end_reason) == (S.BERAKHIR, "pindah")


def test_create_membership_from_worker(client, roles):
    worker = testing.make_worker(testing.VILLAGE_A, monthly_income=1_200_000)
    login(client, roles["operator_desa"])
    url = reverse("enrollment:create", args=[worker.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["declared_income"] == 1_200_000
    response = client.post(
        url,
        {
            "declared_income": 1_200_000,
            "funding_type": "DANA_DESA",
            "payment_period_months": 3,
            "bpjs_status": "ya",
            "kpj": "",
        },
    )
    m = Membership.objects.get(worker=worker)
    assert response.status_code == 302 and response.url == reverse("enrollment:detail", args=[m.pk])
    assert (m.funding_type, m.payment_period_months, m.bpjs_registered) == ("DANA_DESA", 3, True)
    assert m.transitions.get().by == roles["operator_desa"]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"declared_income": 0, "funding_type": "MANDIRI", "payment_period_months": 1}, "Rp0"),
        (
            {
                "declared_income": 1,
                "funding_type": "MANDIRI",
                "payment_period_months": 1,
                "kpj": "12ab",
            },
            "KPJ hanya berisi angka",
        ),
        ({"declared_income": 1, "funding_type": "MANDIRI", "payment_period_months": 2}, "2"),
    ],
)
def test_create_validation_messages(client, roles, data, message):
    worker = testing.make_worker(testing.VILLAGE_A)
    login(client, roles["operator_desa"])
    response = client.post(reverse("enrollment:create", args=[worker.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Membership.objects.filter(worker=worker).exists()


def test_create_twice_shows_error(client, roles, mem_a):
    login(client, roles["operator_desa"])
    url = reverse("enrollment:create", args=[mem_a.worker_id])
    data = {"declared_income": 1_000_000, "funding_type": "MANDIRI", "payment_period_months": 1}
    response = client.post(url, data)
    assert "masih berjalan" in response.content.decode()
    assert Membership.objects.filter(worker_id=mem_a.worker_id).count() == 1


def test_payment_page_records_payment(client, roles, mem_a):
    Membership.objects.filter(pk=mem_a.pk).update(status=S.DIAJUKAN)
    login(client, roles["operator_desa"])
    url = reverse("enrollment:payment", args=[mem_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and [p["months"] for p in page.context["previews"]] == [
        1,
        3,
        6,
        12,
    ]
    today = timezone.localdate()
    response = client.post(url, {"months": 3, "paid_on": today.isoformat()})
    assert response.status_code == 302
    p = ContributionPayment.objects.get(membership=mem_a)
    assert p.months == 3 and p.by == roles["operator_desa"] and p.amount == p.expected_amount > 0
    # Dates in one style, the pages' own (24 Nov 2026), also in the confirmation message.
    shown = client.get(response["Location"]).content.decode()
    assert f"dibayar sampai {format_date(p.period_end)}" in shown
    assert p.period_end.strftime("%d/%m/%Y") not in shown


def test_payment_page_refuses_future_date(client, roles, mem_a):
    Membership.objects.filter(pk=mem_a.pk).update(status=S.DIAJUKAN)
    login(client, roles["operator_desa"])
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("enrollment:payment", args=[mem_a.pk]), {"months": 1, "paid_on": future.isoformat()}
    )
    assert "masa depan" in response.content.decode()
    assert not ContributionPayment.objects.exists()


def test_payment_page_for_unpayable_status_redirects(client, roles, mem_a):
    mem_a.status = MembershipStatus.BERAKHIR
    mem_a.save(update_fields=["status"])
    login(client, roles["operator_desa"])
    response = client.get(reverse("enrollment:payment", args=[mem_a.pk]), follow=True)
    assert "tidak dapat dicatat" in response.content.decode()


@pytest.mark.parametrize("role", ["viewer", "camat", "operator_desa"])
def test_tariff_page_readable_by_all(client, roles, role):
    login(client, roles[role])
    body = client.get(reverse("enrollment:tariffs")).content.decode()
    assert "Rp6.800" in body and "PP 50/2025" in body and "PP 49/2020" in body
    assert "belum lengkap" in body and "Dana Desa" in body  # open questions are visible
    assert "22/PERDIR.02/072022" in body and "Rp16.800" in body


@pytest.mark.parametrize(
    "params,total",
    [
        (
            {"income": 1_000_000, "month": "2025-06-01", "months": 1, "funding_type": "MANDIRI"},
            "Rp16.800",
        ),
        (
            {
                "income": 1_000_000,
                "month": "2025-06-01",
                "months": 1,
                "funding_type": "MANDIRI",
                "with_jht": "on",
            },
            "Rp36.800",
        ),
        (
            {"income": 1_000_000, "month": "2026-05-01", "months": 1, "funding_type": "MANDIRI"},
            "Rp8.400",
        ),
        (
            {"income": 1_000_000, "month": "2026-05-01", "months": 1, "funding_type": "APBD"},
            "Rp16.800",
        ),
        (
            {"income": 1_000_000, "month": "2026-02-01", "months": 3, "funding_type": "MANDIRI"},
            "Rp42.000",
        ),
    ],
)
def test_calculator(client, roles, params, total):
    login(client, roles["viewer"])
    response = client.get(reverse("enrollment:calculator"), params)
    assert f'<div class="value" id="total">{total}</div>' in response.content.decode()


def test_calculator_defaults_and_errors(client, roles):
    login(client, roles["viewer"])
    assert 'id="total"' in client.get(reverse("enrollment:calculator")).content.decode()
    body = client.get(
        reverse("enrollment:calculator"),
        {"income": 1_000_000, "month": "2014-01-01", "months": 1, "funding_type": "MANDIRI"},
    ).content.decode()
    assert "Belum ada tabel tarif" in body


def test_anonymous_redirected_to_login(client, mem_a):
    for url in [reverse("enrollment:list"), reverse("enrollment:detail", args=[mem_a.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response.url


def test_admin_can_change_dana_desa_exclusion(client, roles):
    from lindung.enrollment.tariffs import DiscountProgramme, monthly_contribution

    url = reverse("enrollment:exclusions", args=["pp50-2025-umum"])
    login(client, roles["operator_desa"])
    assert client.post(url, {"excluded": ["APBD"]}).status_code == 403
    login(client, roles["admin_kabupaten"])
    assert "Simpan pengecualian" in client.get(reverse("enrollment:tariffs")).content.decode()
    response = client.post(url, {"excluded": ["APBD", "APBD_PROVINSI", "DBHCHT", "bogus"]})
    assert response.status_code == 302
    programme = DiscountProgramme.objects.get(code="pp50-2025-umum")
    assert programme.excluded_funding_types == ["APBD", "APBD_PROVINSI", "DBHCHT"]
    c = monthly_contribution(1_000_000, dt.date(2026, 6, 1), funding_type="DANA_DESA")
    assert c.total == 8_400
    assert client.post(reverse("enrollment:exclusions", args=["nope"])).status_code == 404


def test_tariff_edit_form_hidden_from_non_admin(client, roles):
    login(client, roles["petugas_bpjs"])
    assert "Simpan pengecualian" not in client.get(reverse("enrollment:tariffs")).content.decode()


def test_calculator_pp49_arrears_condition(client, roles):
    login(client, roles["viewer"])
    params = {"income": 1_000_000, "month": "2020-09-01", "months": 1, "funding_type": "MANDIRI"}
    body = client.get(reverse("enrollment:calculator"), params).content.decode()
    assert '<div class="value" id="total">Rp168</div>' in body
    body = client.get(
        reverse("enrollment:calculator"), {**params, "arrears_before": "on"}
    ).content.decode()
    assert '<div class="value" id="total">Rp16.800</div>' in body


@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "income": st.integers(-(10**30), 10**30).map(str) | st.text(max_size=12),
            "month": st.dates().map(str) | st.text(max_size=12),
            "months": st.integers(-5, 10**20).map(str),
            "funding_type": st.sampled_from(["MANDIRI", "APBD", "x", ""]),
            "with_jht": st.sampled_from(["on", ""]),
        },
    )
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_calculator_never_fails(client, roles, params):
    login(client, roles["viewer"])
    assert client.get(reverse("enrollment:calculator"), params).status_code == 200
