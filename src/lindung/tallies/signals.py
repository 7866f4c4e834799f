"""Keep the tallies current: each write applies (entries after - entries before) in its transaction.

pre_* handlers read the affected records' facts as the database holds them; post_* handlers
read them again and apply the difference. Reading both from the database (not from the loaded
instance) keeps the deltas right when an instance is stale. Writes that bypass signals
(QuerySet.update, bulk_create) are followed explicitly: the payment below, `track()` around
bulk commitments, `workers_added()` after imports, `rebuild()` after demo data.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from lindung.enrollment.models import ContributionPayment, Membership
from lindung.workers.models import Worker

from . import services
from .entries import membership_entries, membership_facts, worker_entries, worker_facts

ATTR = "_tally_before"


@contextmanager
def track(membership_ids):
    """Apply the tallies' change for these memberships around a bulk write in the block."""
    ids = list(membership_ids)
    before = membership_facts(Q(pk__in=ids))
    yield
    services.membership_changes(ids, before)


def _membership_ids(instance) -> list[int]:
    if isinstance(instance, Membership):
        return [instance.pk] if instance.pk else []
    if isinstance(instance, Worker):
        return list(instance.memberships.values_list("pk", flat=True)) if instance.pk else []
    worker = getattr(instance, "membership", None)
    if instance.__class__.__name__ == "Claim" and worker is not None:
        # A death claim on any membership of the worker follows up all of them.
        return list(
            Membership.objects.filter(worker_id=worker.worker_id).values_list("pk", flat=True)
        )
    return [instance.membership_id] if getattr(instance, "membership_id", None) else []


# A cascade (a membership with its commitments) sends every pre_delete first, then each
# post_delete: the facts before each deletion are the ones left by the previous one, not the
# snapshot taken at the start. Membership id -> [facts now, deletions still to come].
_deleting = threading.local()


def _pending() -> dict:
    if not hasattr(_deleting, "facts"):
        _deleting.facts = {}
    return _deleting.facts


def _before(sender, instance, raw=False, **kwargs):
    if raw:
        return
    ids = _membership_ids(instance)
    workers = (
        worker_facts(Q(pk=instance.pk)) if isinstance(instance, Worker) and instance.pk else {}
    )
    facts = membership_facts(Q(pk__in=ids)) if ids else {}
    if kwargs.get("signal") is pre_delete:
        pending = _pending()
        for pk in ids:
            entry = pending.setdefault(pk, [facts.get(pk), 0])
            entry[1] += 1
    instance.__dict__[ATTR] = (ids, facts, workers)


def _after(sender, instance, raw=False, **kwargs):
    if raw:
        return
    ids, before, workers_before = instance.__dict__.pop(ATTR, ([], {}, {}))
    ids = sorted(
        set(ids) | set(_membership_ids(instance) if kwargs.get("signal") is post_save else ())
    )
    if isinstance(instance, Worker):
        after = worker_facts(Q(pk=instance.pk))
        services.apply(
            [
                (
                    worker_entries(workers_before[instance.pk]) if workers_before else (),
                    worker_entries(after[instance.pk]) if after else (),
                )
            ]
        )
    if ids and kwargs.get("signal") is post_delete:
        pending = _pending()
        before = {pk: pending[pk][0] for pk in ids if pk in pending and pending[pk][0]}
        after = services.membership_changes(ids, before)
        for pk in ids:
            if pk in pending:
                pending[pk][0] = after.get(pk)
                pending[pk][1] -= 1
                if pending[pk][1] <= 0:
                    del pending[pk]
    elif ids:
        services.membership_changes(ids, before)


def _payment_saved(sender, instance, created, raw=False, **kwargs):
    # record_payment() creates the payment, then sets paid_until = period_end with
    # QuerySet.update (no signal): apply that change here, in the same transaction.
    if not created or raw:
        return
    old = membership_facts(Q(pk=instance.membership_id)).get(instance.membership_id)
    if old is not None and old.paid != instance.period_end:
        new = old._replace(paid=instance.period_end)
        services.apply([(membership_entries(old), membership_entries(new))])


def connect() -> None:
    from lindung.claims.models import Claim
    from lindung.funding.models import Commitment

    for model in (Membership, Worker, Commitment, Claim):
        name = model.__name__.lower()
        pre_save.connect(_before, sender=model, dispatch_uid=f"tally_{name}_pre")
        post_save.connect(_after, sender=model, dispatch_uid=f"tally_{name}_save")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"tally_{name}_pre_del")
        post_delete.connect(_after, sender=model, dispatch_uid=f"tally_{name}_del")
    post_save.connect(_payment_saved, sender=ContributionPayment, dispatch_uid="tally_payment")
