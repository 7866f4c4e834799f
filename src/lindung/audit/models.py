"""Reads and exports of personal data (UU 27/2022). Changes are kept by django-simple-history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.choices import ChoiceLabels


class AccessLog(ChoiceLabels, models.Model):
    class Action(models.TextChoices):
        EXPORT = "export", _("Ekspor")
        VIEW_FULL = "view_full", _("Lihat data lengkap")
        DOWNLOAD = "download", _("Unduh")
        ANONYMISE = "anonymise", _("Anonimkan")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    what = models.CharField(_("apa"), max_length=255)
    area_code = models.CharField(max_length=13, blank=True)
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("log akses data pribadi")
        verbose_name_plural = _("log akses data pribadi")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.what}"


def log_access(user, action: str, what: str, *, area_code: str = "", record_count: int = 0) -> None:
    AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        what=what[:255],
        area_code=area_code,
        record_count=record_count,
    )


def log_export(sender, *, user, what: str, area_code: str = "", record_count: int = 0, **kwargs):
    """Receiver of core.export.exported: one access-log row per list download."""
    log_access(user, AccessLog.Action.EXPORT, what, area_code=area_code, record_count=record_count)
