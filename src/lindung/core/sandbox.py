"""Run a file reader in a child process with a memory ceiling, so a reader bug kills the child.

Readers of uploaded files (calamine, polars, zipfile, XML) run native code on hostile input; one
bad allocation aborts the whole process. Here the reader runs in a fresh child forked from a
small multiprocessing fork server (no web threads, no database connections, no polars thread
pool copied) under `RLIMIT_AS`; when the child dies or runs out of memory the caller gets
`ReaderCrashed` and the web process or job worker carries on.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
from collections.abc import Callable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

DEFAULT_MEMORY_MB = 4096  # address space of the reader child (settings.LINDUNG_READER_MEMORY_MB)
DEFAULT_TIMEOUT = 600.0  # seconds
# Imported once by the fork server so that each reader child starts in milliseconds.
PRELOAD = ["polars", "python_calamine", "defusedxml.ElementTree", "lindung.core.filesafety"]


class ReaderCrashed(RuntimeError):
    """The reader child died (memory ceiling, native crash or timeout); `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "memory", "timeout" or "crash"


_context = None


def preload(*modules: str) -> None:
    """Also import these in the fork server (apps call this from ready(), before first use)."""
    PRELOAD.extend(m for m in modules if m not in PRELOAD)


def _ctx():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def memory_limit_mb() -> int:
    return int(getattr(settings, "LINDUNG_READER_MEMORY_MB", DEFAULT_MEMORY_MB))


def _child(conn, memory_bytes: int, func: Callable, args: tuple) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result = ("ok", func(*args))
    except MemoryError:
        result = ("memory", None)
    except ValueError as exc:  # the readers' refusals (SpreadsheetError is a ValueError)
        result = ("error", exc)
    except BaseException as exc:  # anything else is a reader bug: report it, don't pickle it
        result = ("crash", f"{exc.__class__.__name__}: {exc}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # an unpicklable refusal: send its text
        conn.send(("crash", f"{exc.__class__.__name__}: {exc}"))
    conn.close()


def run(
    func: Callable[..., Any],
    *args: Any,
    memory_mb: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Any:
    """`func(*args)` in a child process limited to `memory_mb` of address space.

    Returns its result or re-raises the ValueError it raised; raises ReaderCrashed when the
    child ran out of memory, died or took longer than `timeout` seconds.
    """
    ctx = _ctx()
    memory_bytes = (memory_mb or memory_limit_mb()) * 1024 * 1024
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, memory_bytes, func, args), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise ReaderCrashed("timeout")
        status, value = receive.recv()
    except EOFError:  # the child died without answering (abort, segfault, OOM kill)
        process.join(5)
        log.warning("reader child died with exit code %s", process.exitcode)
        raise ReaderCrashed("crash") from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if status == "ok":
        return value
    if status == "error":
        raise value
    if status == "crash":
        log.warning("reader failed in its child: %s", value)
    raise ReaderCrashed(status)
