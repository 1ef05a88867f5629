"""Release hygiene: `python -m build` makes an sdist and a wheel; the wheel carries what infohus reads and
nothing it must not ship; installed into a fresh virtual environment outside the repository, it runs new,
check, migrate and build from any folder, with the same outputs as the repository's own infohus.

One build and one environment per module: building takes some 15 s, the environment about a minute (pip
installs the dependencies from its cache or the package index, as `pipx install` would), the commands
another minute. No repository is on the installed infohus' path, and every command runs in a folder
outside the repository.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, error_lines
from macros.model.dataformat import DATA_FORMAT, version
from test_new_municipality import fill

SHARED = ("mkdocs.yml", "docs", "overrides", "data/schema", "data/national", "scripts/system-deps.sh")
OLD = ROOT / "tests" / "formats" / "format-1-a3ee08f" / "odsherred"
NEVER = re.compile(r"(^|/)(site|tests|fixtures|\.cache|hjoerring|halsnaes|__pycache__|build)(/|$)|\.infohus-build"
                   r"|\.expected$|\.pyc$|\.po$")


def tracked(*paths: str) -> list[str]:
    """The repository's files under `paths`, as git knows them (tracked, or new and not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *paths],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return sorted(name for name in listed.split("\0") if name and (ROOT / name).is_file())


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """`python -m build` of the checkout as it is (site/, .cache/ and all): {"sdist": ..., "wheel": ...}.

    Built once for the whole run, by the first pytest-xdist worker to ask, the others waiting on a lock: two
    builds at once of the same checkout write its infohus.egg-info/ at once, and one of them fails."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's, shared by its workers
    out = shared / "dist"
    with open(shared / "dist.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "dist.done").exists():
            shutil.rmtree(out, ignore_errors=True)  # a build that failed before this one: this run's own folder
            done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            (shared / "dist.done").touch()
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the repository with the wheel installed, as the pipeline installs
    it (a file address with its SHA-256): the folder of its programs."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    wheel = dist["wheel"]
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    done = subprocess.run([str(home / "venv" / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                           f"infohus @ {wheel.as_uri()}#sha256={digest}"], cwd=home, capture_output=True, text=True,
                          env=clean_env())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return home / "venv" / "bin"


def clean_env() -> dict[str, str]:
    """The environment without anything that would lead Python to the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(INFOHUS_TODAY=TODAY, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def infohus(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    assert not cwd.resolve().is_relative_to(ROOT), cwd
    return subprocess.run([str(bin_dir / "infohus"), *args], cwd=cwd, env=clean_env(), capture_output=True, text=True)


# -- what is shipped ------------------------------------------------------------------------------------

def test_the_wheel_carries_what_infohus_reads_and_nothing_else(dist):
    names = zipfile.ZipFile(dist["wheel"]).namelist()
    code = [n for n in names if n.endswith(".py")]
    assert sorted(code) == sorted(f for f in tracked("macros") if f.endswith(".py"))
    share = sorted(n.removeprefix("macros/share/") for n in names if n.startswith("macros/share/"))
    assert share == [f for f in tracked(*SHARED) if not f.startswith(".")]
    other = sorted(set(names) - set(code) - {f"macros/share/{n}" for n in share})
    templates = [f for f in tracked("macros/scaffold/templates")]
    assert [n for n in other if not n.startswith("infohus-")] == sorted(
        ["macros/locale/da/LC_MESSAGES/argparse.mo", *templates])
    assert {n.split("/", 1)[1] for n in other if n.startswith("infohus-")} == {
        "METADATA", "WHEEL", "RECORD", "entry_points.txt", "top_level.txt"}
    assert [n for n in names if NEVER.search(n)] == []
    tests = {hashlib.sha256((ROOT / f).read_bytes()).hexdigest() for f in tracked("tests")}
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        copied = [n for n in names if hashlib.sha256(wheel.read(n)).hexdigest() in tests and wheel.read(n).strip()]
        metadata = wheel.read(next(n for n in names if n.endswith("/METADATA"))).decode()
        points = wheel.read(next(n for n in names if n.endswith("/entry_points.txt"))).decode()
    assert copied == [], "a file of tests/ (a fixture) is in the wheel"
    assert f"Version: {version()}" in metadata and "Requires-Dist: ruamel.yaml" in metadata
    assert not re.search(r"(?m)^Requires-Dist: babel\S*$", metadata), "the catalogue is compiled; Babel only builds"
    assert "infohus = macros.cli:entry" in points and "infohus = macros.build:InfohusPlugin" in points


def test_the_sdist_holds_what_the_wheel_is_built_from_and_no_municipality(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        names = sorted(n.split("/", 1)[1] for n in sdist.getnames() if "/" in n)
    for needed in ("setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "CHANGELOG.md", "mkdocs.yml",
                   "macros/locale/da/LC_MESSAGES/argparse.po", "scripts/system-deps.sh"):
        assert needed in names, needed
    assert set(tracked(*SHARED)) <= set(names)
    assert [n for n in names if NEVER.search(n) and not n.endswith(".po")] == []


# -- installed, anywhere ----------------------------------------------------------------------------------

def test_the_installed_infohus_reads_nothing_of_the_repository(venv, tmp_path):
    done = subprocess.run([str(venv / "python"), "-c", "import macros, sys, json; "
                           "print(json.dumps([macros.__file__, *sys.path]))"], cwd=tmp_path, env=clean_env(),
                          capture_output=True, text=True, check=True)
    paths = [Path(p).resolve() for p in __import__("json").loads(done.stdout) if p]
    assert paths[0].is_relative_to(venv.parent.resolve()), paths[0]
    assert not any(p.is_relative_to(ROOT) for p in paths), paths
    assert infohus(venv, "--version", cwd=tmp_path).stdout == f"infohus {version()} (dataformat {DATA_FORMAT})\n"


def test_without_data_in_the_folder_the_installed_infohus_says_what_to_do(venv, tmp_path):
    done = infohus(venv, "check", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == ("infohus: der er ingen municipality.yml i den mappe, du står i. Angiv kommunens datamappe "
                           "med --data, fx --data odsherred, eller opret en ny med infohus new.\n")
    assert infohus(venv, "system-deps", cwd=tmp_path).returncode == 0, "the shipped script finds every package"


def test_new_check_and_build_anywhere_with_the_installed_infohus(venv, tmp_path):
    made = infohus(venv, "new", "odsherred", "--name", "Odsherred Kommune", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[-1].split()[1:] == ["check", "--data", "odsherred"]
    assert (tmp_path / "odsherred" / "municipality.yml").read_text(encoding="utf-8").count(f"format: {DATA_FORMAT}")
    first = infohus(venv, "check", "--data", "odsherred", cwd=tmp_path)
    assert first.returncode == 1 and "mangler at blive udfyldt" in first.stderr
    fill(tmp_path / "odsherred")
    inside = infohus(venv, "check", cwd=tmp_path / "odsherred")  # no --data: the folder one stands in
    assert inside.returncode == 0, inside.stdout + inside.stderr
    assert "Data er i orden: 0 fejl" in inside.stdout
    built = infohus(venv, "build", "--data", "odsherred", "--out", "site", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    for path in ("intranet/index.html", "intranet/handlekort/alle-kort-a4.pdf", "public/index.html",
                 "public/beredskab/index.html", "public/beredskab.pdf", "intranet/beredskab-intern.pdf"):
        assert (tmp_path / "site" / path).is_file(), path
    assert "Odsherred Kommune" in (tmp_path / "site" / "public" / "index.html").read_text(encoding="utf-8")


def test_migrate_then_build_gives_the_same_outputs_as_the_repository(venv, tmp_path):
    """The previous format's folder, migrated by the installed infohus, checks clean and builds the very same
    files as the repository's infohus builds from it (the coordinator page names where the national data lies)."""
    work = tmp_path / "kommune"
    shutil.copytree(OLD, work / "odsherred")
    refused = infohus(venv, "check", "--data", "odsherred", cwd=work)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "infohus migrate" in refused.stderr
    migrated = infohus(venv, "migrate", "--data", "odsherred", cwd=work)
    assert migrated.returncode == 0, migrated.stderr
    assert "Skal skrives af dig" in migrated.stdout
    checked = infohus(venv, "check", "--data", "odsherred", cwd=work)
    assert checked.returncode == 0 and error_lines(checked.stdout + checked.stderr) == []
    assert infohus(venv, "check", "--strict", "--data", "odsherred", cwd=work).returncode == 1

    installed = infohus(venv, "build", "--data", "odsherred", "--out", "site-installed", cwd=work)
    assert installed.returncode == 0, installed.stderr
    # The same folder for the repository's infohus: its editor lines lead to the repository's schemas.
    mine = work / "repository" / "odsherred"
    shutil.copytree(work / "odsherred", mine)
    schemas = os.path.relpath(ROOT / "data" / "schema", mine)
    for path in mine.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^(# yaml-language-server: \$schema=)\S*/data/schema/", rf"\g<1>{schemas}/", text),
                        encoding="utf-8")
    repository = subprocess.run([sys.executable, "-m", "macros.cli", "build", "--data", "odsherred",
                                 "--out", "site-repository"], cwd=mine.parent, env=clean_env(),
                                capture_output=True, text=True)
    assert repository.returncode == 0, repository.stderr
    share = next((venv.parent / "lib").glob("python*/site-packages/macros/share"))
    assert outputs(work / "site-installed", share) == outputs(work / "repository" / "site-repository", ROOT)


def outputs(site: Path, infohus_files: Path) -> dict[str, str]:
    """Each built file's SHA-256 (the build marker aside), with the place of infohus' own files (the coordinator
    page names the national file of a warning) written as INFOHUS."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.name != ".infohus-build":
            data = path.read_bytes().replace(str(infohus_files).encode(), b"INFOHUS")
            found[str(path.relative_to(site))] = hashlib.sha256(data).hexdigest()
    assert len(found) > 50
    return found
