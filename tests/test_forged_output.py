"""Forged state and races: a marker, a leftover folder, a swapped symlink or a second build never makes
infohus touch a file it did not write.

Every attack is played for real: forged files on disk, a symlink swapped in by a second process while a
build runs, two `infohus build` processes at once, a kernel that refuses `renameat2` (a seccomp filter,
as on file systems without RENAME_EXCHANGE) and a read-only bind mount inside the old build.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from support.outputs import ENV, build, hashes, leftovers, one_sentence
from support.seccomp import refuse_renameat2


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def user_files(tmp_path) -> dict[str, Path]:
    """A user's files around the output folder: a canary beside it, a folder, and a file far away."""
    canary = tmp_path / "place" / "canary.txt"
    canary.parent.mkdir(parents=True, exist_ok=True)
    canary.write_text("brugerens fil", encoding="utf-8")
    folder = tmp_path / "place" / "userdir"
    folder.mkdir()
    (folder / "report.docx").write_bytes(b"brugerens rapport")
    far = tmp_path / "elsewhere" / "file"
    far.parent.mkdir()
    far.write_bytes(b"0")
    return {"canary": canary, "folder": folder, "report": folder / "report.docx", "far": far}


# -- a forged marker in OUT --------------------------------------------------------------------------------

FORGED = {
    "a path out of the folder": lambda u: {"files": {"../canary.txt": sha256(u["canary"])}, "folders": []},
    "an absolute path": lambda u: {"files": {str(u["far"]): sha256(u["far"])}, "folders": []},
    "a folder out of the folder": lambda u: {"files": {}, "folders": ["../userdir"]},
    "the issue's marker": lambda u: {"files": {"../canary.txt": "x", str(u["far"]): "0"}, "folders": ["../userdir"]},
}


@pytest.mark.parametrize("forgery", list(FORGED))
def test_a_forged_marker_listing_files_outside_out_is_refused_and_touches_nothing(forgery, user_files, tmp_path):
    out = tmp_path / "place" / "site"
    out.mkdir()
    (out / ".infohus-build").write_text(json.dumps({"infohus": "x", **FORGED[forgery](user_files)}), encoding="utf-8")
    before = hashes(tmp_path)
    done = build(out)
    assert done.returncode == 2, done.stderr
    one_sentence(done.stderr, f'Mappen "{out}" er ikke et infohus-byg: mærkefilen "{out / ".infohus-build"}" er '
                              "ugyldig (", "Intet er rørt.")
    assert hashes(tmp_path) == before
    assert leftovers(out.parent) == []


def test_a_forged_marker_listing_a_file_through_a_symlinked_folder_is_refused(user_files, tmp_path):
    out = tmp_path / "place" / "site"
    out.mkdir()
    (out / "link").symlink_to(user_files["folder"])
    marker = {"infohus": "x", "files": {"link/report.docx": sha256(user_files["report"])}, "folders": ["link"]}
    (out / ".infohus-build").write_text(json.dumps(marker), encoding="utf-8")
    before = hashes(tmp_path)
    done = build(out)
    assert done.returncode == 2
    one_sentence(done.stderr, '"link" er ikke skrevet af infohus')
    assert hashes(tmp_path) == before


# -- markers are data, read strictly --------------------------------------------------------------------

MALFORMED = {
    "files is a number": '{"infohus": "x", "files": 5, "folders": []}',
    "folders is a number": '{"infohus": "x", "files": {}, "folders": 5}',
    "a history entry of the wrong shape": '{"infohus": "x", "files": {}, "folders": [], "history": [{"x": 1}]}',
    "history is a number": '{"infohus": "x", "files": {}, "folders": [], "history": 5}',
    "shows is a list": '{"infohus": "x", "files": {}, "folders": [], "shows": [1]}',
    "a card without facts": '{"infohus": "x", "files": {}, "folders": [], "shows": {"cards/a": {"title": "A"}}}',
    "a hash that is a number": '{"infohus": "x", "files": {"a": 5}, "folders": []}',
    "a folder that is a number": '{"infohus": "x", "files": {}, "folders": [5]}',
    "files missing": '{"infohus": "x", "folders": []}',
    "nested a thousand deep": '{"infohus": "x", "files": {}, "folders": [], "data": ' + "[" * 5000 + "]" * 5000 + "}",
    "not JSON": "{infohus",
    "not UTF-8": b'{"infohus": "\xff"}',
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_marker_is_not_an_infohus_build_exit_2_and_nothing_is_touched(case, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    content = MALFORMED[case]
    (out / ".infohus-build").write_bytes(content if isinstance(content, bytes) else content.encode())
    before = hashes(tmp_path)
    done = build(out)
    assert done.returncode == 2, done.stdout + done.stderr
    one_sentence(done.stderr, f'Mappen "{out}" er ikke et infohus-byg: mærkefilen "{out / ".infohus-build"}" er '
                              "ugyldig (", "Intet er rørt.")
    assert hashes(tmp_path) == before
    assert leftovers(tmp_path) == []


def test_a_marker_over_16_mb_is_refused_without_reading_it_all(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    with (out / ".infohus-build").open("w", encoding="utf-8") as marker:
        marker.write('{"infohus": "x", "files": {}, "folders": [], "data": "')
        marker.write("a" * (16 * 1024 * 1024))
        marker.write('"}')
    done = build(out)
    assert done.returncode == 2
    one_sentence(done.stderr, "ugyldig (den er større end 16 MB)")


# -- forged leftovers beside OUT ------------------------------------------------------------------------

def test_a_forged_leftover_with_a_marker_listing_outside_and_symlinked_files_is_left_alone(earlier_build,
                                                                                          user_files, tmp_path):
    forged = earlier_build.with_name(".site.infohus-zzzz")
    forged.mkdir()
    (forged / "link").symlink_to(user_files["folder"])
    marker = {"infohus": "x", "files": {"../canary.txt": sha256(user_files["canary"]),
                                        "link/report.docx": sha256(user_files["report"])}, "folders": ["link"]}
    (forged / ".infohus-build").write_text(json.dumps(marker), encoding="utf-8")
    outside = {k: sha256(v) for k, v in user_files.items() if k != "folder"}
    forged_before = hashes(forged)
    done = build(earlier_build)
    assert done.returncode == 0, done.stderr
    assert {k: sha256(v) for k, v in user_files.items() if k != "folder"} == outside
    assert hashes(forged) == forged_before and (forged / "link").is_symlink()


def test_a_leftover_look_alike_with_an_empty_marker_and_a_users_files_is_left_alone(earlier_build):
    forged = earlier_build.with_name(".site.infohus-zzzz")
    (forged / "mine").mkdir(parents=True)
    (forged / ".infohus-build").write_bytes(b"")
    (forged / "mine" / "referat.docx").write_bytes(b"mine noter")
    (forged / "noter.txt").write_text("vigtigt", encoding="utf-8")
    before = hashes(forged)
    done = build(earlier_build)
    assert done.returncode == 0, done.stderr
    assert hashes(forged) == before


def test_a_leftover_look_alike_with_a_staging_marker_is_left_alone(earlier_build):
    forged = earlier_build.with_name(".site.infohus-abcdefghijklmnop")
    forged.mkdir()
    (forged / ".infohus-build").write_text('{"infohus": "0.1.0", "state": "staging"}', encoding="utf-8")
    (forged / "noter.txt").write_text("vigtigt", encoding="utf-8")
    before = hashes(forged)
    assert build(earlier_build).returncode == 0
    assert hashes(forged) == before


# -- where RENAME_EXCHANGE is not available: two renames --------------------------------------------------

def build_without_exchange(out: Path) -> subprocess.CompletedProcess:
    """`infohus build` in a process whose kernel answers every `renameat2` with EINVAL (seccomp)."""
    return subprocess.run([sys.executable, "-m", "macros.cli", "build", "--out", str(out)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, preexec_fn=refuse_renameat2)


def test_the_renameat2_refusal_is_real():
    """Negative control: under the filter the atomic exchange is unavailable; without it, it works."""
    probe = ("import os, tempfile; from macros.outdir import exchange\n"
             "with tempfile.TemporaryDirectory() as folder:\n"
             "    os.mkdir(folder + '/a'); os.mkdir(folder + '/b'); fd = os.open(folder, os.O_RDONLY)\n"
             "    print(exchange(fd, 'a', fd, 'b'))")
    plain = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    filtered = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                              preexec_fn=refuse_renameat2)
    assert (plain.stdout, filtered.stdout) == ("True\n", "False\n"), plain.stderr + filtered.stderr


def test_two_renames_replace_the_build_and_never_touch_an_unmarked_old_folder(earlier_build):
    old = earlier_build.with_name(".site.infohus-old")
    old.mkdir()
    (old / "referat.docx").write_bytes(b"mine noter")
    before = hashes(old)
    done = build_without_exchange(earlier_build)
    assert done.returncode == 0, done.stderr
    assert hashes(old) == before
    assert (earlier_build / "intranet" / "index.html").is_file()
    assert leftovers(earlier_build.parent) == [".site.infohus-old"]


def test_an_unmarked_copy_of_a_build_named_old_is_left_alone(earlier_build):
    """Before this change the fallback deleted `.site.infohus-old` whole; a copy with a marker stays too."""
    old = earlier_build.with_name(".site.infohus-old")
    shutil.copytree(earlier_build, old, symlinks=True)
    before = hashes(old)
    assert build_without_exchange(earlier_build).returncode == 0
    assert hashes(old) == before


# Dies (SIGKILL) right after the first of the two renames: OUT is then inside the staging folder.
KILLED_BETWEEN_RENAMES = """
import os, runpy, signal, sys
from macros import outdir
rename = os.rename
def dying(src, dst, **folders):
    rename(src, dst, **folders)
    if dst == outdir.ASIDE:
        os.kill(os.getpid(), signal.SIGKILL)
os.rename = dying
sys.argv = ["infohus", "build", "--out", sys.argv[1]]
runpy.run_module("macros.cli", run_name="__main__")
"""


def test_a_build_killed_between_the_two_renames_is_cleaned_up_and_a_copied_seal_proves_nothing(earlier_build):
    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(earlier_build)], cwd=ROOT, env=ENV,
                            capture_output=True, text=True, preexec_fn=refuse_renameat2)
    assert killed.returncode == -9, killed.stderr
    assert not earlier_build.exists()
    staged = [p for p in earlier_build.parent.iterdir() if p.name != ".site.infohus-lock" and ".infohus-" in p.name]
    assert len(staged) == 1 and sorted(p.name for p in staged[0].iterdir()) == [".infohus-build", "build", "old"]
    copy = earlier_build.with_name(".site.infohus-aaaaaaaaaaaaaaaa")  # the seal copied beside a user's file
    copy.mkdir()
    shutil.copy(staged[0] / ".infohus-build", copy / ".infohus-build")
    (copy / "noter.txt").write_text("vigtigt", encoding="utf-8")
    before = hashes(copy)
    done = build(earlier_build)
    assert done.returncode == 0, done.stderr
    assert not staged[0].exists(), "the sealed staging folder, with the old and the new build in it, is removed"
    assert hashes(copy) == before
    assert leftovers(earlier_build.parent) == [copy.name]
    marker = json.loads((earlier_build / ".infohus-build").read_text(encoding="utf-8"))
    assert {k: v for k, v in hashes(earlier_build).items() if k != ".infohus-build"} == marker["files"]


# -- races, with real processes -------------------------------------------------------------------------

def start_build(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "macros.cli", "build", "--out", str(out)], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(pattern: str, folder: Path, running: subprocess.Popen) -> None:
    """Wait until a file matching `pattern` exists under `folder` (the build is half-way)."""
    deadline = time.monotonic() + 120
    while not list(folder.glob(pattern)):
        assert running.poll() is None, "the build ended before the race could start: " + running.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.01)


HALF_WAY = ".site.infohus-*/**/intranet/index.html"


def test_a_symlink_swapped_in_for_out_during_a_build_changes_nothing(earlier_build, tmp_path):
    victim = tmp_path / "brugerens-kopi"
    shutil.copytree(earlier_build, victim, symlinks=True)  # a copy that passes every check of the old build
    victim_before = hashes(victim)
    old_before = hashes(earlier_build)
    assert len(victim_before) > 90
    running = start_build(earlier_build)
    wait_for(HALF_WAY, earlier_build.parent, running)
    moved = earlier_build.with_name("site-flyttet")
    os.rename(earlier_build, moved)
    earlier_build.symlink_to(victim)
    out, err = running.communicate(timeout=300)
    assert running.returncode == 2, out + err
    one_sentence(err, f'Mappen "{earlier_build}" blev ændret af en anden, mens infohus byggede. Intet er skiftet ud.')
    assert hashes(victim) == victim_before, "files of the symlink's target were deleted"
    assert hashes(moved) == old_before
    assert earlier_build.is_symlink()
    assert leftovers(earlier_build.parent) == []


def test_a_second_build_to_the_same_out_is_refused_at_once_and_the_first_finishes(earlier_build):
    first = start_build(earlier_build)
    wait_for(".site.infohus-*/.infohus-build", earlier_build.parent, first)  # the first holds its staging
    second = start_build(earlier_build)
    try:
        out, err = second.communicate(timeout=60)
        assert first.poll() is None, "the second build was not refused while the first still ran"
    finally:
        first_out, first_err = first.communicate(timeout=300)
    assert second.returncode == 2, out + err
    one_sentence(err, f'En anden infohus build bygger allerede til "{earlier_build}". Vent, til den er færdig, '
                      "og byg så igen.")
    assert first.returncode == 0, first_out + first_err
    marker = json.loads((earlier_build / ".infohus-build").read_text(encoding="utf-8"))
    assert {k: v for k, v in hashes(earlier_build).items() if k != ".infohus-build"} == marker["files"]
    assert leftovers(earlier_build.parent) == []


def test_many_builds_at_once_leave_exactly_one_finished_build(earlier_build):
    """Whichever build gets the lock finishes; every other is refused; nothing is lost in between."""
    runs = [start_build(earlier_build) for _ in range(3)]
    results = [(r.wait(timeout=300), *r.communicate()) for r in runs]
    codes = sorted(code for code, _, _ in results)
    assert codes[0] == 0 and all(c in (0, 2) for c in codes), results
    for code, _, err in results:
        if code == 2:
            one_sentence(err, "En anden infohus build bygger allerede til")
    marker = json.loads((earlier_build / ".infohus-build").read_text(encoding="utf-8"))
    assert {k: v for k, v in hashes(earlier_build).items() if k != ".infohus-build"} == marker["files"]
    assert leftovers(earlier_build.parent) == []


# -- after the swap: the new site is out, whatever happens to the old one ---------------------------------

def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def test_a_fault_removing_the_old_build_says_the_new_site_is_out_and_keeps_the_reprint_list(data_copy, tmp_path):
    out = tmp_path / "site"
    assert build(out, data=data_copy).returncode == 0
    contacts = data_copy / "contacts.yml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"72 33 33 33"', '"98 76 54 32"', 1),
                        encoding="utf-8")
    stuck = out / "intranet" / "handlekort"
    root = os.geteuid() == 0
    if root:  # root may write anywhere: a read-only bind mount is the fault that stops it
        _mount("--bind", str(stuck), str(stuck))
        _mount("-o", "remount,ro,bind", str(stuck))
    else:
        stuck.chmod(0o555)
    try:
        done = build(out, data=data_copy)
    finally:
        moved = [p for p in tmp_path.glob(".site.infohus-*/**/handlekort") if p.is_dir()]
        for folder in moved or [stuck]:
            if root:
                subprocess.run(["umount", str(folder)], capture_output=True)
            else:
                folder.chmod(0o755)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"Bygget: {out}" in done.stdout
    assert "Ændret siden sidste byg:" in done.stdout and "72 33 33 33 → 98 76 54 32" in done.stdout
    one_sentence(done.stderr, f'Det nye byg er lagt ud i "{out}", men det gamle byg kunne ikke fjernes helt',
                 'Resten ligger i "' + str(tmp_path / ".site.infohus-"))
    assert "ikke ændret" not in done.stderr
    assert "98 76 54 32" in (out / "intranet" / "kontakter" / "index.html").read_text(encoding="utf-8")
