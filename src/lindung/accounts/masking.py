"""The one masking policy: what a user is shown of a person's NIK, phone and birth date.

Roles without need for personal data (camat, viewer, …; see `User.sees_personal_data`) must not
be able to rebuild a NIK or phone from anything shown or exported together. A NIK's digits 7–12
are the birth date (day + 40 for women) and 13–16 a serial; digits 1–6 are the kecamatan, which
every list shows anyway. So a masked NIK keeps only the region digits, and a masked role sees an
age in whole years instead of the birth date. Pages, tables, exports, the API and templates all
call these functions; nothing else masks.
"""

from __future__ import annotations

import datetime as dt

NIK_VISIBLE_DIGITS = 6
MASK = "*"


def sees_full(user) -> bool:
    return bool(getattr(user, "sees_personal_data", False))


def mask_nik(nik: str) -> str:
    """3201234505900012 -> 320123**********: the region stays, birth date and serial go."""
    nik = (nik or "").strip()
    if not nik:
        return ""
    head = NIK_VISIBLE_DIGITS if len(nik) > NIK_VISIBLE_DIGITS else 0
    return nik[:head] + MASK * (len(nik) - head)


def mask_phone(phone: str) -> str:
    """081234567890 -> 0812*****890; 0812345678 -> 08*****678.

    The last 3 digits stay, and the operator prefix (4 digits) on numbers of 12 digits or more,
    only "08" on shorter ones: at least a third of any number is hidden.
    """
    phone = (phone or "").strip()
    if not phone:
        return ""
    tail = 3 if len(phone) >= 6 else 0
    head = 4 if len(phone) >= 12 else 2 if len(phone) >= 9 else 0
    return phone[:head] + MASK * (len(phone) - head - tail) + phone[len(phone) - tail :]


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def nik_for(user, nik: str) -> str:
    return nik or "" if sees_full(user) else mask_nik(nik)


def phone_for(user, phone: str) -> str:
    return phone or "" if sees_full(user) else mask_phone(phone)


def birth_for(user, birth_date: dt.date | None, today: dt.date) -> dt.date | int | None:
    """The birth date for roles that see personal data, else the age in whole years."""
    if sees_full(user):
        return birth_date
    return age_on(birth_date, today)
