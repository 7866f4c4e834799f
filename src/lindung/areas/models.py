"""Kemendagri administrative areas, stored with their dotted code as primary key.

The code is a path (52.03.07.1001 lies under 52.03.07 under 52.03 under 52), so
"everything inside an area" is a prefix match on an indexed column, with no joins.
"""

import functools

from django.db import connections, models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    PROVINSI = 1, _("Provinsi")
    KABUPATEN = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA = 4, _("Desa/Kelurahan")


class AreaKind(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DISTRIK = "distrik", _("Distrik")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA_ADAT = "desa_adat", _("Desa Adat")


class AreaQuerySet(models.QuerySet):
    def within(self, code: str) -> "AreaQuerySet":
        """The area itself and everything below it."""
        below = models.Q(code__startswith=code + ".")
        if connections[self.db].vendor == "sqlite":
            # SQLite's LIKE ignores case, so it cannot search the primary key's index; the
            # same prefix as a range can ('/' follows '.'; SQLite compares bytes). Not on
            # PostgreSQL: a locale collation may order punctuation differently.
            below &= models.Q(code__gt=code + ".", code__lt=code + "/")
        return self.filter(models.Q(code=code) | below)

    def villages(self) -> "AreaQuerySet":
        return self.filter(level=AreaLevel.DESA)


class Area(models.Model):
    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=AreaLevel.choices)
    kind = models.CharField(_("jenis"), max_length=12, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.label(self.level, self.kind, self.name)

    @classmethod
    def label(cls, level: int, kind: str, name: str) -> str:
        """What __str__ shows, from plain values (lists of hundreds of areas need no instances)."""
        if level == AreaLevel.KABUPATEN:  # names already read "Kabupaten …" / "Kota …"
            return name
        return f"{_kind_labels(get_language()).get(kind, kind)} {name}"

    @property
    def digits(self) -> str:
        """Code without dots, as it appears inside a NIK (first 6 digits) or BPS lists."""
        return self.code.replace(".", "")

    def contains(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")

    def ancestors(self) -> list["Area"]:
        """Parents from the province down, excluding self (one query)."""
        parts = self.code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts))]
        return list(Area.objects.filter(code__in=codes).order_by("level"))


class WorkforceDenominator(models.Model):
    """Working population of an area for a year: the UCJ denominator, with its source."""

    class Source(models.TextChoices):
        BPS_BEKERJA = "bps_bekerja", _("BPS: penduduk bekerja (Sakernas)")
        BPJS_POTENSI = "bpjs_potensi", _("BPJS Ketenagakerjaan: potensi tenaga kerja")
        DUKCAPIL_PRODUKTIF = "dukcapil_produktif", _("Dukcapil: penduduk usia produktif")
        LAINNYA = "lainnya", _("Lainnya")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="denominators")
    year = models.PositiveSmallIntegerField(_("tahun"))
    working_population = models.PositiveIntegerField(_("penduduk bekerja"))
    source = models.CharField(_("sumber"), max_length=24, choices=Source.choices)
    source_note = models.CharField(_("keterangan sumber"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penyebut angkatan kerja")
        verbose_name_plural = _("penyebut angkatan kerja")
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "source"], name="uniq_denominator")
        ]
        ordering = ["area_id", "-year"]

    scope_field = "area"

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}: {self.working_population}"


@functools.cache
def _kind_labels(language: str | None) -> dict[str, str]:
    # Per language: translating a lazy label costs more than the rest of a list row.
    return {k: str(label) for k, label in Area._meta.get_field("kind").choices}
