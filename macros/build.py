"""`infohus build`: validate once, then build every output into a temporary folder and swap it in."""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from .cards.pdf import build_cards
from .citizen.page import build_public
from .handbook.site import build_handbook
from .model.dataset import load_dataset
from .model.problems import DataError, MissingTool, errors, report

EXIT_OK, EXIT_DATA, EXIT_SYSTEM = 0, 1, 2


def build_all(data_dir: Path, out: Path, strict: bool) -> int:
    """Build OUT/intranet and OUT/public; the previous OUT is untouched unless all succeed."""
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
        build_handbook(ds, staging / "intranet")
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


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` with `staging` in two renames so a reader never sees half a site."""
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
