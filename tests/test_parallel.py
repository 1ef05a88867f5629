"""The build's other processes (the beredskab's PDFs, the cards): their answers and faults reach the build, a killed
one is one Danish sentence, and none outlives a build that is killed. Real processes and real signals.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from macros.common.background import in_background
from macros.common.faults import SystemFault
from macros.model.problems import DataError, Problem


def _answer(x: int) -> tuple[int, int]:
    return x * 2, os.getpid()


def _data_error() -> None:
    raise DataError([Problem("data/x/contacts.yml", 3, "contacts[0].name", "mangler.")])


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _disk_full() -> None:
    raise OSError(28, "No space left on device", "/tmp/x.pdf")


def test_the_answer_comes_from_another_process():
    with in_background(_answer, 21) as result:
        value, pid = result()
    assert value == 42 and pid != os.getpid()


def test_a_data_error_keeps_its_problems_and_a_system_fault_its_errno():
    with in_background(_data_error) as result, pytest.raises(DataError) as caught:
        result()
    assert [(p.file, p.line, p.path) for p in caught.value.problems] == [("data/x/contacts.yml", 3, "contacts[0].name")]
    with in_background(_disk_full) as result, pytest.raises(OSError) as full:
        result()
    assert full.value.errno == 28 and full.value.filename == "/tmp/x.pdf"


def test_a_process_killed_by_sigkill_is_one_danish_sentence():
    with in_background(_killed) as result, pytest.raises(SystemFault, match="stoppede uventet \\(kode -9\\)"):
        result()


def test_with_another_thread_running_the_work_stays_in_this_process():
    """Forking while another thread holds a lock could deadlock the child: then nothing is forked."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with in_background(_answer, 1) as result:
            assert result() == (2, os.getpid())
    finally:
        stop.set()
        other.join()


def _niceness() -> int:
    return os.nice(0)


def test_a_part_with_time_to_spare_runs_at_a_lower_priority_and_this_process_keeps_its_own():
    mine = os.nice(0)
    with in_background(_niceness, niceness=5) as result:
        assert result() == min(mine + 5, 19)
    assert os.nice(0) == mine


def test_work_kept_in_this_process_never_lowers_its_priority():
    mine, stop = os.nice(0), threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with in_background(_niceness, niceness=5) as result:
            assert result() == mine
    finally:
        stop.set()
        other.join()


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_second_process_dies_with_a_build_that_is_killed(tmp_path):
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from macros.common.background import in_background

        def work():
            Path({str(pid_file)!r}).write_text(str(os.getpid()))
            time.sleep(60)

        with in_background(work) as result:
            result()
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert parent.poll() is None and time.monotonic() < deadline, "the child never started"
            time.sleep(0.02)
        child = int(pid_file.read_text())
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(child), "the second process outlived the killed build"
    finally:
        if parent.poll() is None:
            parent.kill()
