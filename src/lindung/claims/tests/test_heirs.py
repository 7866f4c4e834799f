"""PP 44/2015 Pasal 40 order of priority, as entitled_heirs applies it."""

import datetime as dt
from dataclasses import dataclass

import pytest

from lindung.claims.heirs import entitled_heirs
from lindung.claims.models import Relationship as R

AFTER_PMK1 = dt.date(2025, 6, 1)
BEFORE_PMK1 = dt.date(2024, 6, 1)


@dataclass
class H:
    name: str
    relationship: str
    notarial_will: bool = False
    court_ruling: str = ""
    pk: int | None = None


def names(verdicts):
    return sorted(v.heir.name for v in verdicts)


def test_spouse_and_child_share_first_group_and_block_parents(rules):
    heirs = [
        H("istri", R.JANDA),
        H("anak", R.ANAK),
        H("ibu", R.ORANG_TUA),
        H("adik", R.SAUDARA_KANDUNG),
    ]
    d = entitled_heirs(heirs, event_date=AFTER_PMK1, rules=rules)
    assert names(d.entitled) == ["anak", "istri"]
    assert names(d.excluded) == ["adik", "ibu"]
    assert d.group.rank == 1 and not d.to_social_security_fund
    assert "Terhalang" in d.verdict_for(heirs[2]).reason


def test_only_parents_and_grandchild_are_second_group(rules):
    heirs = [H("bapak", R.ORANG_TUA), H("cucu", R.CUCU), H("mertua", R.MERTUA)]
    d = entitled_heirs(heirs, event_date=AFTER_PMK1, rules=rules)
    assert names(d.entitled) == ["bapak", "cucu"]
    assert names(d.excluded) == ["mertua"]
    assert d.group.rank == 2


def test_only_sibling(rules):
    heirs = [
        H("kakak", R.SAUDARA_KANDUNG),
        H("mertua", R.MERTUA),
        H("teman", R.PENERIMA_WASIAT, True),
    ]
    d = entitled_heirs(heirs, event_date=AFTER_PMK1, rules=rules)
    assert names(d.entitled) == ["kakak"]
    assert d.group.rank == 3


def test_parents_in_law_before_will(rules):
    heirs = [H("mertua", R.MERTUA), H("teman", R.PENERIMA_WASIAT, True)]
    d = entitled_heirs(heirs, event_date=AFTER_PMK1, rules=rules)
    assert names(d.entitled) == ["mertua"]


def test_notarial_will_entitles_when_no_relatives(rules):
    d = entitled_heirs(
        [H("teman", R.PENERIMA_WASIAT, notarial_will=True)], event_date=AFTER_PMK1, rules=rules
    )
    assert names(d.entitled) == ["teman"] and d.group.rank == 5


def test_private_will_refused_after_permenaker_1_2025_but_not_before(rules):
    heirs = [
        H("teman", R.PENERIMA_WASIAT, notarial_will=False),
        H("pengurus", R.PENGURUS_PEMAKAMAN),
    ]
    after = entitled_heirs(heirs, event_date=AFTER_PMK1, rules=rules)
    assert after.entitled == [] and after.to_social_security_fund
    assert "akta notaris" in after.verdict_for(heirs[0]).reason
    before = entitled_heirs(heirs, event_date=BEFORE_PMK1, rules=rules)
    assert names(before.entitled) == ["teman"]


def test_nobody_entitled_goes_to_dana_jaminan_sosial_and_funeral_to_arranger(rules):
    arranger = H("Panitia masjid", R.PENGURUS_PEMAKAMAN, pk=7)
    d = entitled_heirs([arranger], event_date=AFTER_PMK1, rules=rules)
    assert d.to_social_security_fund and d.group is None
    assert d.funeral_arrangers == [arranger]
    ok, reason = d.may_receive(arranger)
    assert ok and "pemakaman" in reason.lower()
    assert entitled_heirs([], event_date=AFTER_PMK1, rules=rules).to_social_security_fund


def test_arranger_cannot_receive_when_heirs_exist(rules):
    arranger = H("pengurus", R.PENGURUS_PEMAKAMAN, pk=1)
    d = entitled_heirs([H("anak", R.ANAK, pk=2), arranger], event_date=AFTER_PMK1, rules=rules)
    assert d.may_receive(arranger)[0] is False


def test_unlisted_heir_needs_court_ruling(rules):
    without = entitled_heirs([H("keponakan", R.LAINNYA)], event_date=AFTER_PMK1, rules=rules)
    assert without.entitled == [] and without.to_social_security_fund
    assert "pengadilan" in without.excluded[0].reason
    with_ruling = entitled_heirs(
        [H("keponakan", R.LAINNYA, court_ruling="12/Pdt.P/2025/PA.Sel")],
        event_date=AFTER_PMK1,
        rules=rules,
    )
    assert names(with_ruling.entitled) == ["keponakan"]


@pytest.mark.parametrize("relationship", [R.JANDA, R.DUDA, R.ANAK])
def test_any_first_group_member_alone_blocks_everyone_else(rules, relationship):
    d = entitled_heirs(
        [H("x", relationship), H("ibu", R.ORANG_TUA)], event_date=AFTER_PMK1, rules=rules
    )
    assert names(d.entitled) == ["x"]


def test_default_rules_come_from_the_database(rules):
    d = entitled_heirs([H("teman", R.PENERIMA_WASIAT)], event_date=AFTER_PMK1)
    assert d.entitled == [] and "akta notaris" in d.excluded[0].reason
