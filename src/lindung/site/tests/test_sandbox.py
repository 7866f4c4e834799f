"""The memory-limited reader child: a reader that aborts or over-allocates fails one upload."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.core import filesafety, sandbox
from lindung.core.tests.hostile_corpus import sparse_range


def _abort() -> None:
    os.abort()  # what calamine did on the sparse range: SIGABRT, exit code 134


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _refuse() -> None:
    raise filesafety.SpreadsheetError("Berkas ditolak.")


def _buggy() -> None:
    raise KeyError("reader bug")


def test_result_comes_back():
    assert sandbox.run(_allocate, 10) == 10 * 1024 * 1024


def test_abort_in_the_reader_is_reported_and_this_process_lives():
    with pytest.raises(sandbox.ReaderCrashed) as info:
        sandbox.run(_abort)
    assert info.value.reason == "crash"


def test_allocation_past_the_ceiling_is_refused():
    with pytest.raises(sandbox.ReaderCrashed) as info:
        sandbox.run(_allocate, 2048, memory_mb=1024)
    assert info.value.reason == "memory"


def test_refusals_keep_their_message_and_bugs_become_crashes():
    with pytest.raises(filesafety.SpreadsheetError, match="Berkas ditolak"):
        sandbox.run(_refuse)
    with pytest.raises(sandbox.ReaderCrashed):
        sandbox.run(_buggy)


def test_timeout_kills_the_child():
    with pytest.raises(sandbox.ReaderCrashed) as info:
        sandbox.run(__import__("time").sleep, 30, timeout=0.5)
    assert info.value.reason == "timeout"


def test_calamine_on_the_sparse_range_dies_in_the_child_only():
    """Without the guard, calamine aborts on this 1.6 KB file; the child takes the hit."""
    from lindung.imports.readers import read_sheet

    with pytest.raises((sandbox.ReaderCrashed, filesafety.SpreadsheetError)):
        sandbox.run(read_sheet, sparse_range(), memory_mb=1024)


def test_read_guarded_turns_a_crash_into_a_refusal():
    with pytest.raises(filesafety.SpreadsheetError) as info:
        filesafety.read_guarded(_abort)
    assert str(info.value) == filesafety.CRASHED


# --- NUL bytes and UTF-16 say what they are --------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), min_size=20, max_size=300
)


@settings(max_examples=60, deadline=None)
@given(TEXT, st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=3))
def test_nul_bytes_are_named_as_such(text, where, count):
    data = text.encode()
    at = where % len(data)
    with pytest.raises(filesafety.SpreadsheetError) as info:
        filesafety.decode_text(data[:at] + b"\x00" * count + data[at:])
    assert "byte NUL" in str(info.value) and "UTF-16" not in str(info.value)


@settings(max_examples=60, deadline=None)
@given(TEXT, st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
def test_utf16_is_named_as_such(text, encoding):
    ascii_text = text.encode("ascii", "replace").decode() + "\nNIK;Nama\n"
    with pytest.raises(filesafety.SpreadsheetError) as info:
        filesafety.decode_text(ascii_text.encode(encoding))
    assert "UTF-16" in str(info.value)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_plain_text_is_never_refused(text):
    assert filesafety.decode_text(text.encode())[0] == text


def test_nul_byte_far_down_a_csv_is_named_too():
    data = ("NIK,Nama\n" + "5203071403850001,Budi\n" * 5000).encode() + b"\x00\n"
    assert len(data) > 65536  # past the sample the guard decodes
    with pytest.raises(filesafety.SpreadsheetError) as info:
        filesafety.check_upload("daftar.csv", data)
    assert "byte NUL" in str(info.value)
