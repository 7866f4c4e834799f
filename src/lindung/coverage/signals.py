"""Keep snapshots current as memberships change: per-cell deltas in the same transaction.

pre_save / pre_delete read the membership as the database holds it (locked FOR UPDATE inside a
transaction); post_save takes the saved values and applies new - old to the snapshot cells.
Reading the old state from the database rather than from the loaded instance keeps the deltas
right when an instance is stale. Writes that bypass signals (QuerySet.update) are not seen;
the one in enrollment.services.record_payment (paid_until) is followed through the payment it
creates.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from lindung.enrollment.models import ContributionPayment, Membership
from lindung.workers.models import Worker

from .snapshots import apply_changes, read_states, state_after_save


def _membership_before(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: fixtures are followed by a refresh
        return
    old = read_states([instance.pk], lock=True).get(instance.pk) if instance.pk else None
    instance._coverage_old = old


def _membership_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old = instance.__dict__.pop("_coverage_old", None)
    apply_changes([(old, state_after_save(instance, old))])


def _membership_deleted(sender, instance, **kwargs):
    apply_changes([(instance.__dict__.pop("_coverage_old", None), None)])


def _worker_before(sender, instance, raw=False, **kwargs):
    instance._coverage_sector = None
    if instance.pk and not raw:
        instance._coverage_sector = (
            Worker.objects.filter(pk=instance.pk).values_list("sector_id", flat=True).first()
        )


def _worker_saved(sender, instance, created, raw=False, **kwargs):
    # Snapshots group by the worker's sector; a sector change moves their memberships.
    old = instance.__dict__.pop("_coverage_sector", None)
    if created or raw or old is None or old == instance.sector_id:
        return
    ids = instance.memberships.values_list("pk", flat=True)
    states = read_states(ids, lock=True).values()
    apply_changes([(s._replace(sector=old), s) for s in states])


def _payment_saved(sender, instance, created, raw=False, **kwargs):
    # record_payment() creates the payment, then sets paid_until = period_end with
    # QuerySet.update (no signal): apply that change here, in the same transaction.
    if not created or raw:
        return
    state = read_states([instance.membership_id], lock=True).get(instance.membership_id)
    if state is not None and state.paid != instance.period_end:
        apply_changes([(state, state._replace(paid=instance.period_end))])


def connect() -> None:
    pre_save.connect(_membership_before, sender=Membership, dispatch_uid="cov_m_pre")
    post_save.connect(_membership_saved, sender=Membership, dispatch_uid="cov_m_save")
    pre_delete.connect(_membership_before, sender=Membership, dispatch_uid="cov_m_pre_delete")
    post_delete.connect(_membership_deleted, sender=Membership, dispatch_uid="cov_m_delete")
    pre_save.connect(_worker_before, sender=Worker, dispatch_uid="cov_w_pre")
    post_save.connect(_worker_saved, sender=Worker, dispatch_uid="cov_w_save")
    post_save.connect(_payment_saved, sender=ContributionPayment, dispatch_uid="cov_p_save")
