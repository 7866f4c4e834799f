"""Every background job stores its status in the one vocabulary of lindung.core.jobstatus."""

import pytest

from lindung.core.jobstatus import SIMPLE, JobStatus
from lindung.coverage.models import ReportJob
from lindung.funding.models import Scenario
from lindung.imports.models import ImportJob


def test_subset_keeps_the_given_order_and_labels():
    assert JobStatus.subset(JobStatus.FAILED, JobStatus.QUEUED) == [
        ("failed", JobStatus.FAILED.label),
        ("queued", JobStatus.QUEUED.label),
    ]
    assert [value for value, _ in SIMPLE] == ["queued", "running", "done", "failed"]


@pytest.mark.parametrize("model", [ReportJob, Scenario, ImportJob])
def test_each_job_model_stores_only_shared_statuses(model):
    field = model._meta.get_field("status")
    shared = dict(JobStatus.choices)
    assert field.choices and all(shared.get(value) == label for value, label in field.choices)
    assert field.default == JobStatus.QUEUED
    assert max(len(value) for value, _ in field.choices) <= field.max_length
