"""The demo step builds teams, activities and links that obey the same rules as real use."""

import datetime as dt
import random

from django.utils import timezone

from lindung.outreach import services
from lindung.outreach.demo import demo_outreach
from lindung.outreach.models import Activity, ActivityRegistration, Team
from lindung.workers import testing

from .conftest import registered_days_ago


def test_demo_step_creates_consistent_data(users):
    villages = [testing.VILLAGE_A, testing.VILLAGE_A2, testing.VILLAGE_B]
    workers = []
    for i in range(60):
        worker = testing.make_worker(villages[i % 3])
        workers.append(registered_days_ago(worker, i % 50))
    context = {
        "seed": 1,
        "today": timezone.localdate(),
        "users": users,
        "worker_ids": [w.pk for w in workers],
        "villages": villages,
        "regency": testing.REGENCY,
    }
    summary = demo_outreach(random.Random(1), context)
    assert "tim" in summary and "kegiatan" in summary
    assert 1 <= Team.objects.count() <= 3
    assert Activity.objects.exists()
    assert all(t.members.count() >= 3 for t in Team.objects.all())
    assert not Activity.objects.filter(date__gt=timezone.localdate()).exists()
    assert ActivityRegistration.objects.exists()
    window = dt.timedelta(days=30)
    for link in ActivityRegistration.objects.select_related("activity", "worker"):
        assert link.worker.village_id == link.activity.village_id
        registered = timezone.localdate(link.worker.created_at)
        assert link.activity.date <= registered <= link.activity.date + window
    assert Team.objects.first().history.exists()
    rows = services.outreach_summary(testing.REGENCY, dt.date(2000, 1, 1), timezone.localdate())
    assert sum(r["activities"] for r in rows) == Activity.objects.count()
