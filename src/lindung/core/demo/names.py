"""Sasak and Indonesian Muslim names, dusun names and phone numbers for demo people.

Lombok naming: no family names; one to three given names, often Arabic. Menak (nobility)
carry Lalu (men) / Baiq (women). Older villagers are often registered by teknonym:
Amaq (father of) / Inaq (mother of), Mamiq for a menak father, Papuq for grandparents.
Pilgrims carry H. / Hj. Young people have more modern names.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


MALE_CLASSIC = _words(
    "Muhammad Ahmad Abdul Zainal Sahnun Rusdi Rumi Muhir Sahdan Saparudin Jumadil Mahsun "
    "Marzuki Saprudin Hamdan Hasanudin Junaidi Samsul Zulkifli Syamsudin Hairul Khairul Sukri "
    "Mursidin Rahmat Hasbi Mustiadi Jumaidi Amrullah Mahnan Sahrul Sahril Fauzi Lukman Muliadi "
    "Sahabudin Supardi Kartawi Mustafa Nasrudin Zaenudin Zaini Zainuddin Mahyudin Sahwan "
    "Hulaimi Hirsan Muhsin Sirajudin Hamzanwadi Abdurrahman Subhan Sahlan Maknun Rasyid "
    "Mahrip Johri Mahsar Sarjan Sulaiman Husni Ridwan Salman Yahya Mustajab Sahidin Bahrul "
    "Habibullah Sapwan Kamarudin Jamaludin Nurdin Masrun Muhdar Sahman Suhaimi Mukhtar "
    "Rahman Idris Ismail Ilyas Harun Amir Hasan Husain Umar Usman Jumahir Sahar Rauh"
)
MALE_MODERN = _words(
    "Rizki Fauzan Zidan Rafi Dimas Ilham Alfian Arya Bayu Riski Fikri Hendri Wahyu Yoga "
    "Zulfikar Haikal Sandi Irfan Rendi Aldi Fahri Agus Budi Dedi Irwan Hendra Yusuf Imran "
    "Fathurrahman Ardiansyah Firmansyah Kurniawan Saputra Hidayat Pratama Maulana Akbar "
    "Ramadhan Hidayatullah Azhari Rizal Taufik Nizar Rohman Wildan Habibi"
)
FEMALE_CLASSIC = _words(
    "Siti Nurul Nurhayati Rohani Rohaniah Maknah Sahniah Rabiah Halimah Hafsah Aminah Saodah "
    "Marni Marniati Sumiati Suriani Herniati Nurmiati Hartini Sapiah Sahriani Rukiah Jumenah "
    "Inayah Fatimah Zainab Khadijah Mariam Aisyah Nurjannah Wahyuni Rahmawati Ernawati "
    "Murniati Rusniah Sahnim Rumnah Senah Kartini Hurniati Sumarni Hidayati Nurlaili Zuhriah "
    "Azizah Masitah Salmah Sakinah Juhriah Raehan Muslihah Saerah Haerani Munawarah "
    "Sahdiah Mahnim Sarinah Rukmini Jumaah Nafisah Sunarti"
)
FEMALE_MODERN = _words(
    "Putri Nabila Aulia Salsabila Nadia Rina Dinda Anisa Ayu Rizka Novi Intan Zahra Adinda "
    "Fitriani Fitri Yuliana Dewi Lilis Ulfa Laili Husnul Khairunnisa Hafizah Sakinah Wulandari "
    "Lestari Maulida Rahmi Sri Nurul Aini Yulia Indah Riska Mega Septiani Annisa Safitri Sulastri"
)
# Second words that read like Lombok given names rather than surnames.
SECOND_MALE = _words(
    "Hakim Aziz Wahab Latif Majid Rahim Halim Karim Fatah Gani Hadi Muhsin Rosyid Zaini Akbar "
    "Jaelani Hasan Ansori Mukmin Ihsan Fadli Hamid Sukri Mahsun Rahman Fauzi Sahnan Ridho"
)
SECOND_FEMALE = _words(
    "Aini Hidayati Jannah Hasanah Azizah Mawaddah Fitriani Wahyuni Rahmawati Khairiyah Ulfa "
    "Sa'diah Zahrotun Lailiyah Maulidia Kamilah Hafsah Rohmah Sholihah Apriani Yanti Marlina"
)

DUSUN_HEAD = _words(
    "Dasan Karang Gubuk Lendang Montong Bagik Tanak Repok Otak Lekong Orong Sesela Tibu Kebon "
    "Pengadangan Bebidas Embung Kokok Pancor Rarang Jurang"
)
DUSUN_TAIL = _words(
    "Lauk Daya Timuq Bat Baru Tengak Bunut Nyiur Ambon Gedang Jarak Beleq Kembar Tinggang Atas "
    "Bawah Tengah Mas Sari Jaya Indah Asri Belo Barat Timur Selatan Utara"
)

# Operator prefixes (+62 8xx) of Telkomsel, Indosat, XL/Axis, Tri and Smartfren, weighted
# toward Telkomsel, which dominates rural Nusa Tenggara.
PHONE_PREFIXES = (
    ("811", 3),
    ("812", 8),
    ("813", 8),
    ("821", 6),
    ("822", 6),
    ("823", 8),
    ("852", 7),
    ("853", 7),
    ("857", 3),
    ("856", 2),
    ("815", 1),
    ("817", 2),
    ("818", 1),
    ("819", 2),
    ("877", 3),
    ("878", 3),
    ("831", 1),
    ("838", 1),
    ("895", 1),
    ("896", 1),
    ("897", 1),
    ("881", 1),
)
_PREFIXES = [p for p, _ in PHONE_PREFIXES]
_PREFIX_WEIGHTS = [w for _, w in PHONE_PREFIXES]


def person_name(rng: random.Random, sex: str, age: int, menak: bool) -> str:
    """A full name as written on a KTP, shaped by sex, age and menak descent."""
    male = sex == "L"
    young = age < 32
    if male:
        pool = MALE_MODERN if young and rng.random() < 0.6 else MALE_CLASSIC
        second_pool = MALE_MODERN if young else SECOND_MALE + MALE_CLASSIC
    else:
        pool = FEMALE_MODERN if young and rng.random() < 0.6 else FEMALE_CLASSIC
        second_pool = FEMALE_MODERN if young else SECOND_FEMALE + FEMALE_CLASSIC
    first = rng.choice(pool)
    words = [first]
    # Muhammad/Siti/Nurul are almost always followed by another name.
    if first in ("Muhammad", "Ahmad", "Abdul", "Siti", "Nurul") or rng.random() < 0.45:
        second = rng.choice(second_pool)
        if second != first:
            words.append(second)
    if first == "Muhammad" and len(words) == 2 and rng.random() < 0.25:
        words[0] = "M."
    if menak:
        title = "Lalu" if male else "Baiq"
        if male and age >= 50 and rng.random() < 0.15:
            title = "Mamiq"
        words.insert(0, title)
    elif age >= 40 and rng.random() < 0.14:
        # Teknonym: "Amaq Rumi" (father of Rumi); the child's name follows.
        title = "Papuq" if age >= 62 and rng.random() < 0.4 else ("Amaq" if male else "Inaq")
        child_pool = MALE_CLASSIC + MALE_MODERN if rng.random() < 0.5 else FEMALE_MODERN
        words = [title, rng.choice(child_pool)]
    if age >= 45 and rng.random() < 0.08:
        words.insert(0, "H." if male else "Hj.")
    return " ".join(words)


def address(rng: random.Random) -> str:
    dusun = f"{rng.choice(DUSUN_HEAD)} {rng.choice(DUSUN_TAIL)}"
    return f"Dusun {dusun}, RT {rng.randint(1, 8):03d}/RW {rng.randint(1, 4):03d}"


def phone(rng: random.Random) -> str:
    """+62 8xx mobile number: 10–12 digits after +62, like real Indonesian numbers."""
    prefix = rng.choices(_PREFIXES, _PREFIX_WEIGHTS)[0]
    rest = rng.randint(7, 9)
    return f"+62{prefix}{rng.randrange(10 ** (rest - 1), 10**rest)}"
