"""Keep snapshots current as memberships change (recount on commit, once per village)."""

from django.db.models.signals import post_delete, post_init, post_save

from lindung.enrollment.models import Membership
from lindung.workers.models import Worker

from .snapshots import schedule


def _remember_membership(sender, instance, **kwargs):
    instance._coverage_village = instance.__dict__.get("village_id")


def _membership_changed(sender, instance, **kwargs):
    schedule(instance.village_id, getattr(instance, "_coverage_village", None))
    instance._coverage_village = instance.village_id


def _remember_worker(sender, instance, **kwargs):
    instance._coverage_sector = instance.__dict__.get("sector_id")


def _worker_saved(sender, instance, created, **kwargs):
    # Snapshots group by the worker's sector; a sector change moves their memberships.
    old = getattr(instance, "_coverage_sector", None)
    if not created and old is not None and old != instance.sector_id:
        schedule(*instance.memberships.values_list("village_id", flat=True))
    instance._coverage_sector = instance.sector_id


def connect() -> None:
    post_init.connect(_remember_membership, sender=Membership, dispatch_uid="cov_m_init")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="cov_m_save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="cov_m_delete")
    post_init.connect(_remember_worker, sender=Worker, dispatch_uid="cov_w_init")
    post_save.connect(_worker_saved, sender=Worker, dispatch_uid="cov_w_save")
