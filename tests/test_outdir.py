"""The rules under `--out`, one at a time: the marker reader, path containment, the seal, the lock.

Property tests (hypothesis) feed the marker reader arbitrary JSON and bytes, and feed the removal
arbitrary paths into a tree with symlinks planted to a folder outside; a crash is a real SIGKILL of a
second process, a concurrent build a real second process.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from macros import marker, outdir
from macros.common import beneath
from macros.common.faults import SystemFault
from support.outputs import ENV, hashes, leftovers


@pytest.fixture
def folder_fd(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    yield fd
    os.close(fd)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the marker reader ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30)


def parsed_or_refused(raw: bytes) -> dict | None:
    """What the reader makes of `raw`: a dict, or None for a refusal; anything else fails the test."""
    try:
        return marker.parse(raw)
    except marker.NotABuild as exc:
        assert str(exc) and "\n" not in str(exc)
        return None


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_a_marker_or_a_refusal(value):
    parsed_or_refused(json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_a_marker_or_a_refusal(raw):
    parsed_or_refused(raw)


names = st.text(alphabet="abc.", min_size=1, max_size=4).filter(lambda n: n not in (".", ".."))


@st.composite
def valid_markers(draw) -> dict:
    """A marker infohus could have written: folders before what they hold, a SHA-256 for every file."""
    folders = sorted(set(draw(st.lists(st.lists(names, min_size=1, max_size=3).map("/".join), max_size=6))))
    closed = sorted({"/".join(f.split("/")[:i]) for f in folders for i in range(1, f.count("/") + 2)})
    places = [""] + closed
    files = {}
    for _ in range(draw(st.integers(0, 6))):
        where = draw(st.sampled_from(places))
        name = draw(names)
        path = f"{where}/{name}" if where else name
        if path not in closed and path != marker.MARKER:
            files[path] = draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    made = {"infohus": "0.1.0", "data": "/data", "date": "2026-12-01", "files": files, "folders": closed,
            "shows": {"cards/akut": {"title": "Akut", "facts": {"titel": ["titlen", "Akut"]}}},
            "history": [{"date": "2026-12-01", "shown": "1. december 2026", "changes": ["x"]}]}
    return made


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_markers())
def test_a_marker_infohus_wrote_reads_back_as_it_was(made):
    assert marker.parse(marker.encode(made)) == made


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_markers(), st.sampled_from(sorted(marker.BUILD_KEYS) + ["extra"]), json_values)
def test_a_marker_with_any_key_replaced_is_a_marker_or_a_refusal(made, key, value):
    parsed_or_refused(json.dumps({**made, key: value}).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_markers(), st.sampled_from(["files", "folders"]),
       st.lists(st.sampled_from(["a", "/", ".", "..", "\0", "\x1b", "\\", "æ"]), max_size=8).map("".join))
def test_a_listed_path_is_accepted_only_if_it_is_plain_and_relative(made, where, path):
    made = {**made, "files": dict(made["files"]), "folders": list(made["folders"])}
    if where == "files":
        made["files"][path] = "0" * 64
    else:
        made["folders"].append(path)
    parsed = parsed_or_refused(json.dumps(made).encode())
    if parsed is not None:
        parts = path.split("/")
        assert path and not path.startswith("/") and all(p not in ("", ".", "..") and "\0" not in p for p in parts)


def test_the_keys_the_build_reads_are_in_the_schema_and_unknown_keys_are_refused():
    assert set(marker.BUILD_KEYS) == {"infohus", "data", "date", "shows", "history", "files", "folders"}
    with pytest.raises(marker.NotABuild, match='nøglen "artefacts" hører ikke til'):
        marker.parse(b'{"infohus": "x", "files": {}, "folders": [], "artefacts": {}}')


@pytest.mark.parametrize("raw, why", [
    (b'{"infohus": "x", "files": {"a": "' + b"0" * 64 + b'", "a": "1"}, "folders": []}', 'nøglen "a" står to gange'),
    (b'{"infohus": "x", "files": {}, "folders": ["a", "a"]}', 'en mappe står to gange i "folders"'),
    (b'{"infohus": "x", "files": {"a": "' + b"0" * 64 + b'"}, "folders": ["a"]}',
     '"a" står både som fil og som mappe'),
    (b'{"infohus": "x", "files": {"a/b": "' + b"0" * 64 + b'"}, "folders": []}',
     '"a/b" ligger i en mappe, der ikke står i "folders"'),
    (b'{"infohus": "x", "files": {".infohus-build": "' + b"0" * 64 + b'"}, "folders": []}',
     'mærkefilen står selv i "files"'),
    (b'{"infohus": "x", "files": {"a": "' + b"A" * 64 + b'"}, "folders": []}', '"files" → "a" er ikke en SHA-256'),
    (b'{"infohus": "x", "files": {}, "folders": [], "data": NaN}', "den er ikke gyldig JSON"),
    (b'{"infohus": "x", "files": {"\\u001b[2J": "x"}, "folders": []}', '"\\u001b[2J" er ikke en sti inde i mappen'),
    (b'{"infohus": "x", "files": {}, "folders": ["a/../../b"]}', '"a/../../b" er ikke en sti inde i mappen'),
])
def test_a_malformed_marker_is_refused_with_its_reason_in_danish(raw, why):
    with pytest.raises(marker.NotABuild) as refused:
        marker.parse(raw)
    assert str(refused.value) == why


def test_a_marker_infohus_is_about_to_write_is_checked_by_the_same_reader():
    with pytest.raises(SystemFault, match=r'"\.\./x" er ikke en sti inde i mappen'):
        marker.encode({"infohus": "0.1.0", "files": {"../x": "0" * 64}, "folders": []})


def test_a_marker_that_is_a_symlink_or_a_fifo_is_not_read(tmp_path, folder_fd):
    (tmp_path / "real").write_text('{"infohus": "x", "files": {}, "folders": []}', encoding="utf-8")
    (tmp_path / marker.MARKER).symlink_to(tmp_path / "real")
    with pytest.raises(marker.NotABuild, match="ikke en almindelig fil"):
        marker.read(folder_fd)
    (tmp_path / marker.MARKER).unlink()
    os.mkfifo(tmp_path / marker.MARKER)
    with pytest.raises(marker.NotABuild, match="ikke en almindelig fil"):
        marker.read(folder_fd)


# -- containment: a removal never reaches outside its folder ---------------------------------------------

def plant(base: Path) -> tuple[Path, Path]:
    """A folder with files, a subfolder and symlinks to a folder and a file outside, and that outside."""
    inside, outside = base / "inside", base / "outside"
    (inside / "a").mkdir(parents=True)
    (outside / "a").mkdir(parents=True)
    for folder in (inside, outside):
        (folder / "x.txt").write_bytes(b"x")
        (folder / "a" / "x.txt").write_bytes(b"x")
    (inside / "link").symlink_to(outside)
    (inside / "a" / "up").symlink_to("../../outside")
    (inside / "filelink").symlink_to(outside / "x.txt")
    return inside, outside


path_parts = st.sampled_from(["..", ".", "", "a", "x.txt", "link", "up", "filelink", "outside", "inside"])
hostile_paths = st.builds(lambda lead, parts: lead + "/".join(parts), st.sampled_from(["", "/", "../", "./"]),
                          st.lists(path_parts, min_size=1, max_size=5))


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile_paths, min_size=1, max_size=8), st.lists(hostile_paths, max_size=5))
def test_no_listed_path_removes_anything_outside_the_folder(files, folders):
    with tempfile.TemporaryDirectory() as base:
        inside, outside = plant(Path(base))
        files = {**{p: sha(b"x") for p in files}, **{str(outside / "x.txt"): sha(b"x")}}
        before = hashes(outside)
        links = {p: os.readlink(p) for p in (inside / "link", inside / "a" / "up", inside / "filelink")}
        fd = os.open(inside, os.O_RDONLY | os.O_DIRECTORY)
        try:
            left = beneath.remove_listed(fd, files, folders)
        finally:
            os.close(fd)
        assert hashes(outside) == before
        assert {p: os.readlink(p) for p in links if p.is_symlink()} == links, "a symlink was removed"
        removed = {"x.txt", "a/x.txt"} & set(files)
        for rel in {"x.txt", "a/x.txt"} - removed:
            assert (inside / rel).is_file()
        assert all((rel not in left) for rel in removed)


def test_a_listed_file_is_removed_only_with_its_hash(tmp_path, folder_fd):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "same.txt").write_bytes(b"infohus")
    (tmp_path / "a" / "changed.txt").write_bytes(b"rettet af brugeren")
    (tmp_path / "a" / "mine.txt").write_bytes(b"ikke paa listen")
    left = beneath.remove_listed(folder_fd, {"a/same.txt": sha(b"infohus"), "a/changed.txt": sha(b"infohus"),
                                             "a/gone.txt": sha(b"x")}, ["a"])
    assert left == ["a/changed.txt", "a"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["changed.txt", "mine.txt"]


def test_clearing_an_unfinished_build_leaves_symlinks_fifos_and_their_targets(tmp_path):
    inside, outside = plant(tmp_path)
    os.mkfifo(inside / "a" / "pipe")
    before = hashes(outside)
    fd = os.open(inside, os.O_RDONLY | os.O_DIRECTORY)
    try:
        left = beneath.clear(fd)
    finally:
        os.close(fd)
    assert sorted(left) == ["a/pipe", "a/up", "filelink", "link"]
    assert hashes(outside) == before
    assert not (inside / "x.txt").exists() and not (inside / "a" / "x.txt").exists()


def test_a_folder_renamed_away_under_a_held_descriptor_is_still_the_one_worked_on(tmp_path):
    """The descriptor names the folder, not the path: a symlink swapped in for it changes nothing."""
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "x.txt").write_bytes(b"x")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "x.txt").write_bytes(b"x")
    fd = os.open(tmp_path / "build", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.rename(tmp_path / "build", tmp_path / "moved")
        (tmp_path / "build").symlink_to(victim)
        assert beneath.remove_listed(fd, {"x.txt": sha(b"x")}, []) == []
    finally:
        os.close(fd)
    assert (victim / "x.txt").is_file() and not (tmp_path / "moved" / "x.txt").exists()


# -- the seal: a staging folder is removed only if this user's infohus made it for this target ----------

# Makes a staging folder through outdir, writes a page into it and dies by SIGKILL: a real leftover.
DIE_IN_STAGING = """
import os, signal, sys
from pathlib import Path
from macros import outdir
target = outdir.claim(Path(sys.argv[1]), {})
with outdir.held(target) as place, place.staging() as folder:
    (folder / "intranet").mkdir()
    (folder / "intranet" / "index.html").write_text("<p>halvt</p>", encoding="utf-8")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def leave_staging(out: Path, env: dict | None = None) -> Path:
    """The staging folder a build of `out` killed half-way leaves beside it."""
    died = subprocess.run([sys.executable, "-c", DIE_IN_STAGING, str(out)], cwd=ROOT, env=env or ENV,
                          capture_output=True, text=True)
    assert died.returncode == -signal.SIGKILL, died.stderr
    found = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.infohus-") and p.is_dir()]
    assert len(found) == 1
    return found[0]


def hold_and_release(out: Path) -> None:
    """Take the target's lock and make a staging folder (which removes proven leftovers), then let go."""
    with outdir.held(outdir.claim(out, {})) as place, place.staging():
        pass


def test_a_killed_builds_staging_folder_is_sealed_and_removed_by_the_next_build(tmp_path):
    out = tmp_path / "site"
    staged = leave_staging(out)
    assert stat.S_IMODE(staged.stat().st_mode) == 0o700
    seal = json.loads((staged / marker.MARKER).read_text(encoding="utf-8"))
    assert seal["state"] == "staging" and seal["target"] == "site" and len(seal["seal"]) == 64
    hold_and_release(out)
    assert leftovers(tmp_path) == []


def test_a_staging_folder_sealed_with_another_key_is_left(tmp_path, monkeypatch):
    out = tmp_path / "site"
    other = tmp_path / "anden-bruger"
    staged = leave_staging(out, {**ENV, "XDG_CACHE_HOME": str(other)})
    assert (other / "infohus" / "build-key").stat().st_mode & 0o777 == 0o600
    before = hashes(staged)
    hold_and_release(out)
    assert hashes(staged) == before


def test_a_staging_folder_of_another_target_is_left_even_under_a_matching_name(tmp_path):
    staged = leave_staging(tmp_path / "andet")
    renamed = tmp_path / (".site.infohus-" + staged.name.rpartition("-")[2])
    os.rename(staged, renamed)
    before = hashes(renamed)
    hold_and_release(tmp_path / "site")
    assert hashes(renamed) == before


def test_a_sealed_staging_folder_keeps_what_is_not_a_file_or_folder_of_its_own(tmp_path):
    out = tmp_path / "site"
    staged = leave_staging(out)
    outside = tmp_path / "brugerens"
    outside.mkdir()
    (outside / "rapport.docx").write_bytes(b"vigtig")
    (staged / "build" / "intranet" / "genvej").symlink_to(outside)
    hold_and_release(out)
    assert (outside / "rapport.docx").read_bytes() == b"vigtig"
    assert (staged / "build" / "intranet" / "genvej").is_symlink()
    assert not (staged / "build" / "intranet" / "index.html").exists()


def test_a_key_others_could_read_is_not_trusted(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    out = tmp_path / "site"
    staged = leave_staging(out, {**ENV, "XDG_CACHE_HOME": str(cache)})
    (cache / "infohus" / "build-key").chmod(0o644)
    before = hashes(staged)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    hold_and_release(out)
    assert hashes(staged) == before


# -- the lock -----------------------------------------------------------------------------------------------

TRY_TO_HOLD = """
import sys
from pathlib import Path
from macros import outdir
try:
    with outdir.held(outdir.claim(Path(sys.argv[1]), {})):
        pass
except outdir.Busy as busy:
    print(busy)
    sys.exit(2)
"""


def test_the_lock_file_beside_out_is_held_for_the_build_and_removed_after(tmp_path):
    out = tmp_path / "site"
    target = outdir.claim(out, {})
    with outdir.held(target):
        lock = tmp_path / ".site.infohus-lock"
        assert lock.is_file() and lock.stat().st_size == 0
        other = subprocess.run([sys.executable, "-c", TRY_TO_HOLD, str(out)], cwd=ROOT, env=ENV,
                               capture_output=True, text=True)
        assert (other.returncode, other.stdout) == (
            2, f'En anden infohus build bygger allerede til "{out}". Vent, til den er færdig, og byg så igen.\n')
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("planted", ["symlink", "fifo", "folder"])
def test_a_lock_file_that_is_not_a_plain_file_is_refused_and_left(planted, tmp_path):
    lock = tmp_path / ".site.infohus-lock"
    victim = tmp_path / "brugerens.txt"
    victim.write_text("vigtig", encoding="utf-8")
    {"symlink": lambda: lock.symlink_to(victim), "fifo": lambda: os.mkfifo(lock), "folder": lock.mkdir}[planted]()
    with pytest.raises(outdir.Refused, match="er ikke infohus' låsefil"):
        with outdir.held(outdir.claim(tmp_path / "site", {})):
            pass
    assert victim.read_text(encoding="utf-8") == "vigtig" and os.path.lexists(lock)


def test_a_lock_file_with_content_is_used_and_left_as_it_was(tmp_path):
    lock = tmp_path / ".site.infohus-lock"
    lock.write_text("brugerens tekst", encoding="utf-8")
    with outdir.held(outdir.claim(tmp_path / "site", {})):
        pass
    assert lock.read_text(encoding="utf-8") == "brugerens tekst"
