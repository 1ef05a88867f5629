"""`infohus build`: validate, then build every output into a temporary folder and swap it in."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from .cardpdf import build_cards
from .citizen import build_public
from .dataset import ROOT, load_dataset
from .problems import DataError, MissingTool, errors, report

EXIT_OK, EXIT_DATA, EXIT_SYSTEM = 0, 1, 2


def build_all(data_dir: Path, out: Path, strict: bool) -> int:
    """Build OUT/intranet (and later outputs); the previous OUT is untouched unless all succeed."""
    ds, problems = load_dataset(data_dir, strict=strict)
    if ds is None or errors(problems):
        sys.stderr.write("Data har fejl; intet er bygget.\n" + report(problems) + "\n")
        return EXIT_DATA
    if problems:
        sys.stdout.write(report(problems) + "\n")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        build_handbook(data_dir, staging / "intranet", strict)
        build_cards(ds, staging / "intranet" / "handlekort")
        build_public(ds, staging / "public")
        _swap(staging, out)
    except DataError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        sys.stderr.write("Data har fejl; intet er bygget.\n" + report(exc.problems) + "\n")
        return EXIT_DATA
    except MissingTool as exc:
        shutil.rmtree(staging, ignore_errors=True)
        sys.stderr.write(f"{exc}\n")
        return EXIT_SYSTEM
    except MkDocsException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        sys.stderr.write(f"Byggeriet fejlede, og {out} er ikke ændret: {exc}\n")
        return EXIT_DATA
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    sys.stdout.write(f"Bygget: {out}\n")
    return EXIT_OK


def build_handbook(data_dir: Path, site_dir: Path, strict: bool) -> None:
    """Run mkdocs on the handbook with the data folder handed to the macros."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with environment(NO_MKDOCS_2_WARNING="1", INFOHUS_DATA=str(Path(data_dir).resolve()),
                     INFOHUS_STRICT="1" if strict else "0"):
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir)))


@contextmanager
def environment(**settings: str) -> Iterator[None]:
    """Set environment variables for the block and restore them after.

    The macros read the data folder from the environment (as under `mkdocs serve`); restoring it
    means one build in a process never hands its data to the next.
    """
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` with `staging` in two renames so a reader never sees half a site."""
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
