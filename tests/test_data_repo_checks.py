"""Checks where the data lives: the shipped pre-commit hook and the example GitLab pipeline, run for real.

The hook is tested the way a municipality uses it: a git repository holding only its data folder, a
.pre-commit-config.yaml naming this repository at a commit, `pre-commit install`, and `git commit`.
pre-commit clones that commit and pip-installs it with its dependencies into its own virtualenv (from
the package index: about half a minute), so the hook definition comes from the shipped .pre-commit-hooks.yaml.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import DEFAULT_DATA, ROOT, TODAY

BIN = Path(sys.executable).parent  # the venv the tests run in: infohus, pre-commit, check-jsonschema
PIPELINE = ROOT / "examples" / "gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
GOOD_NUMBER, BAD_NUMBER = '"72 33 33 33"', '"4174 909"'
EXAMPLE_LINE = re.compile(r"^[ \t]*(example|needs_confirmation): true[ \t]*\n", re.MULTILINE)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything of an enclosing git or pre-commit run, the venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    # Hermetic git: no global config (a core.hooksPath there would make `pre-commit install` refuse).
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", INFOHUS_TODAY=TODAY,
               PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a command; stdout and stderr together, as a person at the terminal sees them."""
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL)


def git(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run(["git", "-c", "user.name=Koordinator", "-c", "user.email=koordinator@kommune.example",
                "-c", "commit.gpgsign=false", *args], repo, env)


def without_examples(folder: Path) -> None:
    """What a coordinator does before publishing: every `example: true` line removed and the people's names and
    number labels no longer saying "Eksempel" (real people put in), and every `needs_confirmation: true` (the
    out-of-hours route confirmed)."""
    for file in folder.glob("*.yml"):
        text = EXAMPLE_LINE.sub("", file.read_text(encoding="utf-8"))
        file.write_text(text.replace('"Eksempel: ', '"').replace(" (eksempel)", ""), encoding="utf-8")


# --- pre-commit ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def infohus_rev(tmp_path_factory) -> tuple[Path, str]:
    """This working tree (tracked and new files) committed in a repository of its own: (path, commit).

    pre-commit installs a hook from a commit, so the test must not depend on the work being committed yet.
    """
    repo = tmp_path_factory.mktemp("infohus")
    env = clean_env()
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not part of it
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "infohus"]):
        done = git(repo, env, *args)
        assert done.returncode == 0, done.stdout
    return repo, git(repo, env, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def data_repo(infohus_rev, tmp_path_factory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A municipality's data repository with the hook installed: (path, environment for its commands)."""
    infohus, rev = infohus_rev
    home = tmp_path_factory.mktemp("home")
    # Nothing is written to the user's home: pre-commit's store, pip's cache and virtualenv's seed wheels.
    env = clean_env(PRE_COMMIT_HOME=str(home / "pre-commit"), PIP_CACHE_DIR=str(home / "pip"),
                    VIRTUALENV_OVERRIDE_APP_DATA=str(home / "virtualenv"))
    repo = tmp_path_factory.mktemp("kommune-data")
    # Only the municipality's folder: with no national/ beside it, the national data of the hook's rev is used.
    shutil.copytree(DEFAULT_DATA, repo / "data" / "hjoerring")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {infohus}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: infohus-check\n"
        "        args: [--data, data/hjoerring]\n"
        "      - id: infohus-check-strict\n"
        "        args: [--data, data/hjoerring]\n"
        "        stages: [manual]\n", encoding="utf-8")
    assert git(repo, env, "init", "-q").returncode == 0
    done = run([str(BIN / "pre-commit"), "install"], repo, env)
    assert done.returncode == 0, done.stdout
    # Clone the rev and pip-install it now, so a failure here reads as a failed install, not a refused commit.
    done = run([str(BIN / "pre-commit"), "install-hooks"], repo, env)
    assert done.returncode == 0, done.stdout
    yield repo, env
    shutil.rmtree(home, ignore_errors=True)  # the hook's virtualenv and pip's cache: some 300 MB


def test_the_hook_manifest_is_valid():
    done = run([str(BIN / "pre-commit"), "validate-manifest", str(HOOKS)], ROOT, clean_env())
    assert done.returncode == 0, done.stdout
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"infohus-check", "infohus-check-strict"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert re.search(hook["files"], "data/kommune/contacts.yml") and re.search(hook["files"], "x/plan.yaml")
        assert not re.search(hook["files"], "README.md")


def test_a_commit_with_a_bad_phone_number_is_refused_with_file_and_line_and_the_fix_goes_through(data_repo):
    repo, env = data_repo
    assert git(repo, env, "add", "-A").returncode == 0
    first = git(repo, env, "commit", "-m", "Kommunens data")
    assert first.returncode == 0, first.stdout
    assert re.search(r"^infohus check \(kommunens data\)\.+Passed$", first.stdout, re.MULTILINE), first.stdout
    head = git(repo, env, "rev-parse", "HEAD").stdout

    contacts = repo / "data" / "hjoerring" / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text.replace(GOOD_NUMBER, BAD_NUMBER, 1), encoding="utf-8")
    line = next(n for n, row in enumerate(contacts.read_text(encoding="utf-8").splitlines(), 1) if BAD_NUMBER in row)
    assert git(repo, env, "add", str(contacts)).returncode == 0
    refused = git(repo, env, "commit", "-m", "Nyt nummer")
    assert refused.returncode != 0, refused.stdout
    assert re.search(r"^infohus check \(kommunens data\)\.+Failed$", refused.stdout, re.MULTILINE), refused.stdout
    assert "- exit code: 1" in refused.stdout
    assert (f'data/hjoerring/contacts.yml:{line}: contacts[0].phones[0].number: {BAD_NUMBER} er ikke et dansk '
            'telefonnummer (8 cifre). Skriv fx "41 74 90 90".') in refused.stdout, refused.stdout
    assert git(repo, env, "rev-parse", "HEAD").stdout == head, "the refused commit was made all the same"

    contacts.write_text(text.replace(GOOD_NUMBER, '"41 74 90 90"', 1), encoding="utf-8")
    assert git(repo, env, "add", str(contacts)).returncode == 0
    fixed = git(repo, env, "commit", "-m", "Nyt nummer, rettet")
    assert fixed.returncode == 0, fixed.stdout
    assert git(repo, env, "rev-parse", "HEAD").stdout != head

    # A commit without YAML files does not run the check.
    (repo / "README.md").write_text("Kommunens data til infohus.\n", encoding="utf-8")
    assert git(repo, env, "add", "README.md").returncode == 0
    other = git(repo, env, "commit", "-m", "README")
    assert other.returncode == 0, other.stdout
    assert re.search(r"^infohus check \(kommunens data\)\.+\(no files to check\)Skipped$", other.stdout,
                     re.MULTILINE), other.stdout


def test_the_strict_hook_refuses_example_people_and_passes_data_ready_for_publication(data_repo):
    repo, env = data_repo
    strict = [str(BIN / "pre-commit"), "run", "--hook-stage", "manual", "infohus-check-strict", "--all-files"]
    folder = repo / "data" / "hjoerring"
    before = {file: file.read_text(encoding="utf-8") for file in folder.glob("*.yml")}
    try:
        refused = run(strict, repo, env)
        assert refused.returncode == 1, refused.stdout
        assert re.search(r'^data/hjoerring/contacts\.yml:\d+: contacts\[0\]\.example: .* er en eksempelperson\.',
                         refused.stdout, re.MULTILINE), refused.stdout
        without_examples(folder)
        passed = run(strict, repo, env)
        assert passed.returncode == 0, passed.stdout
    finally:
        for file, text in before.items():
            file.write_text(text, encoding="utf-8")


# --- GitLab CI ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pipeline() -> dict:
    return yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))


AS_USER = re.compile(r"^runuser -u infohus -- /opt/infohus/bin/(infohus .*)$")


def infohus_lines(job: dict) -> list[str]:
    """The job's script lines that check and build, as the user infohus: the infohus command of each.

    The others install infohus (a pinned wheel into /opt/infohus), its system packages (apt, as root) and
    the user: they need the job's fresh container and stay out of the test, which runs the commands with
    this venv first on PATH (tests/test_package.py installs and runs the wheel itself).
    """
    return [m[1] for line in job["script"] if (m := AS_USER.match(line))]


def run_job(pipeline: dict, job: str, folder: Path) -> subprocess.CompletedProcess:
    """The job's infohus lines in one bash, stopping at the first that fails, as a GitLab runner does."""
    variables = {"CI_PROJECT_DIR": str(folder)}
    for name, value in pipeline.get("variables", {}).items():
        variables[name] = re.sub(r"\$\{?(\w+)\}?", lambda m: variables.get(m.group(1), ""), str(value))
    script = "set -eo pipefail\n" + "\n".join(infohus_lines(pipeline[job])) + "\n"
    return run(["bash", "-c", script], folder, clean_env(**variables))


@pytest.fixture
def job_dir(tmp_path, pipeline) -> Path:
    """A checkout of a municipality's data repository, its data folder where the pipeline says."""
    shutil.copytree(DEFAULT_DATA, tmp_path / pipeline["variables"]["INFOHUS_DATA"])
    return tmp_path


def test_the_pipeline_is_valid_gitlab_ci():
    done = run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(PIPELINE)], ROOT,
               clean_env())
    assert done.returncode == 0, done.stdout


def test_the_pipeline_installs_a_pinned_release_and_checks_and_builds_as_a_user(pipeline):
    job = pipeline["infohus"]
    assert "bookworm" in pipeline["image"]  # the Debian that scripts/system-deps.sh names packages for
    script = job["script"]
    installs = [line for line in script if " install " in f" {line} " and "pip" in line]
    assert installs == ['/opt/infohus/bin/pip install --quiet "infohus @ ${INFOHUS_WHEEL}#sha256=${INFOHUS_SHA256}"']
    assert not any("git+" in line or " -e " in line for line in script), "a release, not a git checkout"
    assert re.fullmatch(r"https://\S+/infohus-\d+\.\d+\.\d+-py3-none-any\.whl", pipeline["variables"]["INFOHUS_WHEEL"])
    assert script.index("/opt/infohus/bin/infohus system-deps") < script.index("useradd --create-home infohus")
    assert infohus_lines(job) == ['infohus check --strict --data "$INFOHUS_DATA"',
                                  'infohus build --data "$INFOHUS_DATA" --out site']
    assert [line for line in script if "infohus " in line and " check" in line or " build " in line] == [
        'runuser -u infohus -- /opt/infohus/bin/infohus check --strict --data "$INFOHUS_DATA"',
        'runuser -u infohus -- /opt/infohus/bin/infohus build --data "$INFOHUS_DATA" --out site'], \
        "check and build never run as root"
    assert job["artifacts"]["paths"] == ["site/intranet/", "site/public/"]


def test_a_failing_strict_check_stops_the_pipeline_before_the_build(pipeline, job_dir):
    # The default data is example data: its example people fail --strict by design.
    done = run_job(pipeline, "infohus", job_dir)
    assert done.returncode == 1, done.stdout
    assert "er en eksempelperson" in done.stdout and "Ret fejlene" in done.stdout
    assert not (job_dir / "site").exists(), "the build ran after a failed check"


def test_the_pipeline_builds_both_artefacts_from_data_ready_for_publication(pipeline, job_dir):
    without_examples(job_dir / pipeline["variables"]["INFOHUS_DATA"])
    done = run_job(pipeline, "infohus", job_dir)
    assert done.returncode == 0, done.stdout
    assert "Data er i orden: 0 fejl" in done.stdout
    for path in pipeline["infohus"]["artifacts"]["paths"]:
        assert (job_dir / path / "index.html").is_file(), f"artefact {path} has no index.html"
    assert (job_dir / "site" / "public" / "beredskab.pdf").is_file()
    assert (job_dir / "site" / "intranet" / "handlekort").is_dir()
