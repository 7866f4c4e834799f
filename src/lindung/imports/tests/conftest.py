import pytest

from lindung.imports import jobs

from .helpers import ensure_sectors


@pytest.fixture
def setup_import(lotim, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_sectors()


@pytest.fixture
def inline_jobs(monkeypatch):
    """Run background jobs synchronously, right when their transaction commits."""
    monkeypatch.setattr(jobs, "launch", jobs.process)
