"""Safe output: `--out` replaces only an infohus build, and every system fault is one Danish sentence, exit 2.

The faults are real: a full tmpfs, a read-only bind mount, a file where a folder must be, SIGKILL, and
wkhtmltopdf replaced by programs that crash, hang or are killed. Mounting needs root (CI runs as root).
"""
from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DEFAULT_DATA, ROOT
from macros import outdir
from macros.cards import pdf as cardpdf
from macros.cli import main
from support.outputs import ENV, build, hashes, leftovers, one_sentence

ROOT_USER = os.geteuid() == 0
NEEDS_ROOT = pytest.mark.skipif(not ROOT_USER, reason="mounting a tmpfs or a read-only bind mount needs root; "
                                                      "CI runs the suite as root")


# -- what --out may replace ------------------------------------------------------------------------------

def test_a_folder_with_a_users_file_is_refused_and_left_as_it_was(tmp_path):
    folder = tmp_path / "Dokumenter"
    folder.mkdir()
    (folder / "referat.docx").write_bytes(b"mine noter")
    before = hashes(folder)
    done = build(folder)
    assert done.returncode == 2
    one_sentence(done.stderr, f'Mappen "{folder}" indeholder andre filer og er ikke et tidligere infohus-byg. '
                              "Vælg en ny eller tom mappe, fx --out site.")
    assert hashes(folder) == before and leftovers(tmp_path) == []


def test_dot_inside_a_folder_with_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hej", encoding="utf-8")
    before = hashes(tmp_path)
    done = build(Path("."), cwd=tmp_path)
    assert done.returncode == 2
    one_sentence(done.stderr, 'Mappen "." indeholder andre filer og er ikke et tidligere infohus-byg. '
                              "Vælg en ny eller tom mappe, fx --out site.")
    assert hashes(tmp_path) == before


def test_dot_in_an_empty_folder_is_refused_because_the_shell_stands_in_it(tmp_path):
    done = build(Path("."), cwd=tmp_path)
    assert done.returncode == 2
    one_sentence(done.stderr, 'Du står selv i mappen ".", så den kan ikke skiftes ud.')
    assert list(tmp_path.iterdir()) == []


def test_a_file_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("vigtigt", encoding="utf-8")
    done = build(notes)
    assert done.returncode == 2
    one_sentence(done.stderr, f'"{notes}" er en fil og ikke en mappe.')
    assert notes.read_text(encoding="utf-8") == "vigtigt" and leftovers(tmp_path) == []


def test_a_parent_that_is_a_file_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("vigtigt", encoding="utf-8")
    done = build(notes / "site")
    assert done.returncode == 2
    one_sentence(done.stderr, f'En del af stien "{notes / "site"}" er en fil og ikke en mappe')
    assert notes.read_text(encoding="utf-8") == "vigtigt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_data_folder_is_refused(data_copy):
    before = hashes(data_copy.parent)
    done = build(data_copy, data=data_copy)
    assert done.returncode == 2
    one_sentence(done.stderr, f'Mappen "{data_copy}" er datamappen')
    assert hashes(data_copy.parent) == before


# Python and pytest write their caches into the project while the suite runs; everything else must stay.
CACHES = ("__pycache__", ".pytest_cache")


def test_the_project_folder_is_refused_and_nothing_in_it_changes():
    before = hashes(ROOT, CACHES)
    done = build(ROOT)
    assert done.returncode == 2
    one_sentence(done.stderr, f'Mappen "{ROOT}" er projektmappen')
    assert hashes(ROOT, CACHES) == before


def _listing(folder: Path) -> list[tuple[str, bool]]:
    """The entries of `folder`, without the handbook's page folders other builds of this suite make and remove
    in the system's temporary folder at the same time (a checkout in /tmp has it as its parent)."""
    return sorted((p.name, p.is_dir()) for p in folder.iterdir() if not p.name.startswith("infohus-sider-"))


def test_a_parent_of_the_project_is_refused(tmp_path):
    parent = ROOT.parent
    listing = _listing(parent)
    before = hashes(ROOT, CACHES)
    done = build(parent)
    assert done.returncode == 2
    one_sentence(done.stderr, f'Mappen "{parent}" indeholder projektmappen')
    assert _listing(parent) == listing
    assert hashes(ROOT, CACHES) == before


def test_the_home_folder_and_the_root_are_refused(tmp_path):
    home = tmp_path / "hjem"
    home.mkdir()
    done = subprocess.run([sys.executable, "-m", "macros.cli", "build", "--out", str(home)], cwd=ROOT,
                          env={**ENV, "HOME": str(home)}, capture_output=True, text=True)
    assert done.returncode == 2
    one_sentence(done.stderr, f'Mappen "{home}" er din hjemmemappe')
    done = build(Path("/"))
    assert done.returncode == 2
    one_sentence(done.stderr, 'Rodmappen "/" kan ikke bruges til et byg.')


def test_a_symlink_is_refused_and_neither_it_nor_its_target_changes(tmp_path):
    target = tmp_path / "rigtig"
    target.mkdir()
    (target / "fil.txt").write_text("behold", encoding="utf-8")
    link = tmp_path / "genvej"
    link.symlink_to(target)
    done = build(link)
    assert done.returncode == 2
    one_sentence(done.stderr, f'"{link}" er en genvej (et symbolsk link)')
    assert link.is_symlink() and (target / "fil.txt").read_text(encoding="utf-8") == "behold"


def test_an_earlier_build_with_a_file_added_by_hand_is_refused(earlier_build):
    (earlier_build / "public" / "min-side.html").write_text("<p>min</p>", encoding="utf-8")
    before = hashes(earlier_build)
    done = build(earlier_build)
    assert done.returncode == 2
    one_sentence(done.stderr, 'er et tidligere infohus-byg, men "public/min-side.html" er ikke skrevet af '
                              "infohus eller er ændret siden")
    assert hashes(earlier_build) == before


def test_an_earlier_build_with_a_file_changed_by_hand_is_refused(earlier_build):
    page = earlier_build / "public" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- rettet -->", encoding="utf-8")
    done = build(earlier_build)
    assert done.returncode == 2
    one_sentence(done.stderr, '"public/index.html" er ikke skrevet af infohus eller er ændret siden')
    assert page.read_text(encoding="utf-8").endswith("<!-- rettet -->")


def test_an_earlier_build_and_an_empty_folder_are_replaced(earlier_build, tmp_path):
    (earlier_build / "public" / "index.html").unlink()  # a file of its own list that is gone is no one's loss
    assert build(earlier_build).returncode == 0
    assert (earlier_build / "public" / "index.html").is_file()
    empty = tmp_path / "tom"
    empty.mkdir()
    assert build(empty).returncode == 0 and (empty / "intranet" / "index.html").is_file()
    assert leftovers(earlier_build.parent) == [] and leftovers(tmp_path) == []


def test_the_marker_lists_every_file_with_its_hash(built_site):
    folder = os.open(built_site, os.O_RDONLY | os.O_DIRECTORY)
    try:
        marker = outdir.marker.read(folder).content
        assert outdir.marker.unlisted(folder, marker) == []
    finally:
        os.close(folder)
    assert marker["infohus"] and marker["data"] == str(DEFAULT_DATA) and marker["date"]
    files = hashes(built_site)
    del files[outdir.MARKER]
    assert marker["files"] == files


# -- system faults ------------------------------------------------------------------------------------

def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@NEEDS_ROOT
def test_a_full_disk_is_one_sentence_and_the_previous_build_stays(built_site, tmp_path):
    size = sum(p.stat().st_size for p in built_site.rglob("*") if p.is_file())
    disk = tmp_path / "disk"
    disk.mkdir()
    # Room for one build and half of another: the first fits, the second runs out of space while staging.
    _mount("-t", "tmpfs", "-o", f"size={int(size * 1.5) // 1024}k", "tmpfs", str(disk))
    try:
        out = disk / "site"
        assert build(out).returncode == 0
        before = hashes(out)
        done = build(out)
        assert done.returncode == 2
        one_sentence(done.stderr, "Der er ikke mere plads på drevet",
                     f'Intet er bygget, og "{out}" er ikke ændret.')
        assert hashes(out) == before
        assert leftovers(disk) == [], "the staging folder is removed"
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@NEEDS_ROOT
def test_a_read_only_target_is_one_sentence_and_the_previous_build_stays(tmp_path):
    parent = tmp_path / "delt"
    parent.mkdir()
    out = parent / "site"
    assert build(out).returncode == 0
    before = hashes(parent)
    _mount("--bind", str(parent), str(parent))
    try:
        _mount("-o", "remount,ro,bind", str(parent))
        done = build(out)
        assert done.returncode == 2
        one_sentence(done.stderr, f'Mappen "{parent}" ligger på et skrivebeskyttet drev.')
    finally:
        subprocess.run(["umount", str(parent)], check=True)
    assert hashes(parent) == before


def test_a_folder_that_cannot_be_created_is_one_sentence():
    done = build(Path("/proc/infohus-site"))
    assert done.returncode == 2
    one_sentence(done.stderr, 'Mappen "/proc" findes ikke, eller der kan ikke oprettes filer der.')


def forked_children(pid: int) -> list[int]:
    """The children of `pid` that are copies of it (same command line): the build's own second processes."""
    own = Path(f"/proc/{pid}/cmdline").read_bytes()
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = []
    for child in map(int, children):
        with contextlib.suppress(FileNotFoundError):
            if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                found.append(child)
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs; a zombie waiting to be reaped counts as gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_build_killed_half_way_leaves_the_old_output_and_the_next_build_cleans_up(tmp_path):
    out = tmp_path / "site"
    assert build(out).returncode == 0
    before = hashes(out)
    # Not ours: a look-alike without a marker, and a user's folder of the same name pattern.
    (tmp_path / ".site.infohus-decoy").mkdir()
    (tmp_path / ".site.infohus-noter").mkdir()
    (tmp_path / ".site.infohus-noter" / "noter.txt").write_text("mine", encoding="utf-8")
    running = subprocess.Popen([sys.executable, "-m", "macros.cli", "build", "--out", str(out)], cwd=ROOT, env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".site.infohus-*/build/intranet/index.html")):  # half-way: the handbook is written
        assert running.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
        time.sleep(0.02)
    forks = forked_children(running.pid)  # the beredskab's PDFs, if still being made
    running.send_signal(signal.SIGKILL)
    running.wait()
    deadline = time.monotonic() + 5
    while [p for p in forks if alive(p)] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not [p for p in forks if alive(p)], "a process of the killed build is still running"
    assert hashes(out) == before
    staged = [n for n in leftovers(tmp_path) if n not in (".site.infohus-decoy", ".site.infohus-noter")]
    assert len(staged) == 2 and ".site.infohus-lock" in staged, "the killed build's staging folder and lock are left"
    assert build(out).returncode == 0
    assert leftovers(tmp_path) == [".site.infohus-decoy", ".site.infohus-noter"]
    assert (tmp_path / ".site.infohus-noter" / "noter.txt").read_text(encoding="utf-8") == "mine"


FAKES = {
    "crashes": ("echo 'Segmentation fault' >&2; exit 139", 'Programmet "wkhtmltopdf" fejlede (kode 139)'),
    "is killed": ("kill -KILL $$", 'Programmet "wkhtmltopdf" blev stoppet udefra (SIGKILL)'),
    "dies of a signal": ("kill -SEGV $$", 'Programmet "wkhtmltopdf" blev stoppet udefra (SIGSEGV)'),
    "hangs": ("exec sleep 30", 'Programmet "wkhtmltopdf" svarede ikke inden for 2 sekunder'),
}


@pytest.mark.parametrize("fault", list(FAKES))
def test_wkhtmltopdf_that_fails_is_one_sentence_and_the_previous_build_stays(fault, earlier_build, monkeypatch,
                                                                            capsys):
    script, expected = FAKES[fault]
    fake = earlier_build.parent / "wkhtmltopdf"
    fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(cardpdf, "WKHTMLTOPDF", str(fake))
    monkeypatch.setattr(cardpdf, "TOOL_TIMEOUT", 2.0)
    before = hashes(earlier_build)
    started = time.monotonic()
    assert main(["build", "--out", str(earlier_build)]) == 2
    assert time.monotonic() - started < 60
    one_sentence(capsys.readouterr().err, expected, f'Intet er bygget, og "{earlier_build}" er ikke ændret.')
    assert hashes(earlier_build) == before
    assert leftovers(earlier_build.parent) == []


# -- what a build writes ------------------------------------------------------------------------------

def _modes(folder: Path) -> tuple[set[int], set[int]]:
    dirs, files = {stat.S_IMODE(folder.stat().st_mode)}, set()
    for path in folder.rglob("*"):
        (dirs if path.is_dir() else files).add(stat.S_IMODE(path.lstat().st_mode))
    return dirs, files


@pytest.mark.parametrize("umask, folders, files", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_built_folders_and_files_have_the_modes_the_umask_gives(tmp_path, umask, folders, files):
    out = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "macros.cli", "build", "--out", str(out)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, preexec_fn=lambda: os.umask(umask))
    assert done.returncode == 0, done.stderr
    assert _modes(out) == ({folders}, {files})


def test_the_swap_exchanges_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "ny").touch()
    (second / "gammel").touch()
    folder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:  # Linux with renameat2: the atomic path is the one used
        assert outdir.exchange(folder, "a", folder, "b") is True
    finally:
        os.close(folder)
    assert [p.name for p in first.iterdir()] == ["gammel"] and [p.name for p in second.iterdir()] == ["ny"]


def test_the_site_never_disappears_while_a_new_build_is_swapped_in(earlier_build):
    seen_missing = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not (earlier_build / "intranet" / "index.html").exists():
                seen_missing.append(time.monotonic())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert build(earlier_build).returncode == 0
    finally:
        stop.set()
        watcher.join()
    assert seen_missing == []


# -- the command line in Danish --------------------------------------------------------------------------

def test_infohus_alone_prints_the_danish_usage_and_exits_2():
    done = subprocess.run([sys.executable, "-m", "macros.cli"], cwd=ROOT, env=ENV, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "brug: infohus [-h] [--version] kommando ...",
        'infohus: vælg en kommando: check, build, directory, new, serve, edit, migrate eller system-deps. Skriv "infohus --help" for at se, hvad de gør.']


def test_help_and_argument_errors_are_danish():
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "macros.cli", *args], cwd=ROOT, env=ENV, capture_output=True,
                              text=True)

    helped = run("--help")
    assert helped.returncode == 0
    for words in ("brug: infohus", "tilvalg:", "vis denne hjælp og stop", "kommandoer:", "tjek data og vis alle"):
        assert words in helped.stdout
    assert "usage" not in helped.stdout and "options" not in helped.stdout
    build_help = run("build", "--help").stdout
    assert "--out MAPPE" in build_help and "mappen, der bygges til" in build_help
    wrong = run("frob")
    assert wrong.returncode == 2
    assert "infohus: fejl i kommandoen: argumentet kommando: 'frob' findes ikke (vælg mellem 'check', 'build', " \
           "'directory', 'new', 'serve', 'edit', 'migrate', 'system-deps')" in wrong.stderr
    missing = run("build", "--out")
    assert missing.returncode == 2 and "argumentet --out: skal efterfølges af en værdi" in missing.stderr
    assert "error" not in wrong.stderr + missing.stderr
