"""The dashboard's figures part is rendered once per count of its figures, and a write in the
area shows on the next visit."""

import re

from django.urls import reverse

from lindung.workers import testing

from .conftest import member

ACTIVE = re.compile(r'data-figure="numerator">.*?<div class="value">(.*?)</div>', re.S)


def active_shown(client, code: str) -> int:
    html = client.get(reverse("coverage:dashboard", args=[code])).content.decode()
    return int(re.sub(r"\D", "", ACTIVE.search(html).group(1)))


def test_figures_part_follows_a_write(client, lotim, users, django_assert_max_num_queries):
    member()
    client.force_login(users["admin_kabupaten"])
    before = active_shown(client, testing.KECAMATAN_A)
    with django_assert_max_num_queries(8):  # the second visit: figures and their HTML cached
        assert active_shown(client, testing.KECAMATAN_A) == before
    member()  # one more active participant in the kecamatan
    assert active_shown(client, testing.KECAMATAN_A) == before + 1
    member(testing.VILLAGE_B)  # another kecamatan: this one's figures stay
    assert active_shown(client, testing.KECAMATAN_A) == before + 1
