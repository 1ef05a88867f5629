"""Permission faults, for real: `infohus check` and `build` run as the user nobody, whom the kernel refuses.

The suite runs as root (in CI too), and root reads and writes everything, so a permission path can only be
tested by giving root up. Each case starts a Python process as root that imports infohus and runs one
check of good data (so every module, schema and template is loaded while the checkout is readable: in CI it
may sit where nobody cannot read it), then drops to nobody:nogroup with no supplementary groups (setgroups,
setresgid, setresuid: what `setpriv --reuid=nobody --regid=nogroup --clear-groups` does), proves the drop
by failing to open a root-only file, and only then runs the command under test. The data lives in a fresh
0755 folder under /tmp (pytest's own tmp folders are 0700 root), so nobody can read what it should.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import DEFAULT_DATA, MUNICIPALITIES, ROOT, TODAY

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="becoming the user nobody needs root; CI runs the suite "
                                                            "as root, so these run there")

CHILD = r'''
import grp, os, pwd, sys
from macros.cli import main
import macros.build, macros.gates, macros.serve  # what a command imports later, imported while still root

if main(["check", "--data", sys.argv[1]]) != 0:
    sys.exit(99)  # the warm-up must pass, or the case below proves nothing
nobody, nogroup = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
os.setgroups([])
os.setresgid(nogroup, nogroup, nogroup)
os.setresuid(nobody, nobody, nobody)
assert os.getresuid() == (nobody,) * 3 and os.getresgid() == (nogroup,) * 3 and os.getgroups() == []
try:
    open(sys.argv[2], "rb").close()
    sys.exit(98)  # root's file opened: the drop did not happen
except PermissionError:
    pass
sys.stdout.write("--- as nobody ---\n")
sys.stdout.flush()
sys.exit(main(sys.argv[3:]))
'''


@pytest.fixture
def world(tmp_path) -> Path:
    """A folder under /tmp that nobody can enter, with readable copies of both municipalities and the national data."""
    folder = Path(tempfile.mkdtemp(prefix="infohus-nobody-", dir="/tmp"))
    try:
        shutil.copytree(DEFAULT_DATA, folder / "hjoerring")
        shutil.copytree(MUNICIPALITIES["halsnaes"], folder / "halsnaes")
        shutil.copytree(ROOT / "data" / "national", folder / "national")
        secret = folder / "root-only"
        secret.write_text("root\n", encoding="utf-8")
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        secret.chmod(0o600)
        yield folder
    finally:
        shutil.rmtree(folder)


def as_nobody(world: Path, *argv: str) -> tuple[int, str, str]:
    """Run `infohus *argv` as nobody (after the warm-up as root); returns (exit code, stdout after the drop, stderr)."""
    env = {**os.environ, "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1", "HOME": str(world)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(world / "hjoerring"), str(world / "root-only"), *argv],
                          cwd=world, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode not in (98, 99), f"the drop to nobody or the warm-up failed:\n{done.stdout}{done.stderr}"
    before, marker, after = done.stdout.partition("--- as nobody ---\n")
    assert marker, f"the command never ran as nobody:\n{done.stdout}{done.stderr}"
    return done.returncode, after, done.stderr


def test_negative_control_nobody_can_check_data_it_may_read(world):
    code, out, err = as_nobody(world, "check", "--data", str(world / "hjoerring"))
    assert code == 0, err
    assert "Data er i orden: 0 fejl" in out


def test_an_unreadable_data_file_is_exit_2_with_a_danish_sentence(world):
    contacts = world / "hjoerring" / "contacts.yml"
    contacts.chmod(0o600)  # root's; before: exit 1 with "filen kan ikke læses (Permission denied)"
    code, out, err = as_nobody(world, "check", "--data", str(world / "hjoerring"))
    assert (code, out) == (2, "")
    assert err == (f'infohus: Du har ikke lov til at læse "{contacts}". Giv din bruger læseadgang til kommunens '
                   "datamappe og dens filer (fx chmod -R u+rX MAPPE), eller bed en administrator om adgang.\n")


def test_an_unreadable_data_folder_is_exit_2_not_a_list_of_missing_files(world):
    folder = world / "hjoerring"
    folder.chmod(0o711)  # nobody may enter but not list it; before, every file was reported missing
    code, out, err = as_nobody(world, "check", "--data", str(folder))
    assert code == 2 and err.startswith(f'infohus: Du har ikke lov til at læse "{folder}".')


def test_an_unreadable_logo_is_exit_2_with_a_danish_sentence(world):
    logo = world / "halsnaes" / "logo.svg"
    logo.chmod(0o600)
    code, out, err = as_nobody(world, "check", "--data", str(world / "halsnaes"))
    assert code == 2 and err.startswith(f'infohus: Du har ikke lov til at læse "{logo}".'), err


def test_an_unwritable_out_parent_is_exit_2_with_a_danish_sentence_and_nothing_written(world):
    locked = world / "locked"
    locked.mkdir(mode=0o755)  # root's: nobody may look but not write
    before = sorted(p.name for p in locked.iterdir())
    code, out, err = as_nobody(world, "build", "--data", str(world / "hjoerring"), "--out", str(locked / "site"))
    assert code == 2, err
    assert err.startswith("infohus: Du har ikke lov til at skrive eller læse"), err
    assert "Traceback" not in err and sorted(p.name for p in locked.iterdir()) == before
    assert stat.S_IMODE(locked.stat().st_mode) == 0o755
