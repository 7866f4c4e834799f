from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    """National scale: regency-partitioned PostgreSQL layout and cross-regency deduplication.

    No models and no migrations: the partitioned layout is created by the
    `national_partition` command in its own schema, next to the tables Django manages."""

    name = "lindung.national"
    verbose_name = _("Skala nasional")
