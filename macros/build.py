"""`infohus build`: validate once, build every output into a staging folder beside OUT, then swap it in."""
from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from . import changes, outdir
from .beredskab.page import build_internal_edition, build_public_edition
from .cards.pdf import build_cards
from .citizen.page import build_public
from .common.background import in_background
from .common.faults import SystemFault
from .common.paths import CARDS_FOLDER, INTERNAL_PLAN_PDF, ROOT
from .gates import checked, heading
from .handbook.site import BuildLog, build_handbook
from .model.dataset import DataSet, national_dir_for
from .model.problems import DataError, errors, report

EXIT_OK, EXIT_DATA, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_all(data_dir: Path, out: Path, strict: bool) -> int:
    """Build OUT/intranet and OUT/public; OUT is replaced only if every output succeeds.

    The target is locked from before its marker is read until the old build is removed; a second build
    of it is refused. System faults before the swap (`OSError`, `SystemFault`, a refused `--out`)
    propagate to the command's edge after the staging folder is removed, and the previous OUT is
    untouched. Once the new site is in place it is reported as built, with what changed, even when part
    of the old build could not be removed (then exit 2, saying what is left and where).
    """
    national = national_dir_for(data_dir)
    target = outdir.claim(out, {"projektmappen": ROOT, "datamappen": data_dir, "de nationale data": national})
    ds, problems = checked(data_dir, strict)
    sys.stdout.write(heading(data_dir, ds) + "\n")
    sys.stdout.flush()
    if ds is None or errors(problems):
        sys.stderr.write("Data har fejl; intet er bygget.\n" + report(problems, national) + "\n")
        return EXIT_DATA
    if problems:
        sys.stdout.write(report(problems, national) + "\n")
    try:
        with outdir.held(target) as place, place.staging() as staging:
            before = place.earlier
            shown, found = build_outputs(ds, staging, before)
            past = changes.history(before, found, ds)
            place.publish({"data": str(Path(data_dir).resolve()), "date": ds.content_date().isoformat(),
                           "shows": shown, "history": past})
    except DataError as exc:
        sys.stderr.write("Data har fejl; intet er bygget.\n" + report(exc.problems, national) + "\n")
        return EXIT_DATA
    except MkDocsException as exc:
        sys.stderr.write(f"Byggeriet fejlede, og \"{target.shown}\" er ikke ændret: {exc}\n")
        return EXIT_DATA
    except SystemExit as exc:  # a library's own exit(): its code is none of infohus' (0, 1, 2, 130)
        raise SystemFault(f"Byggeriet stoppede uventet (kode {exc.code}). Det er en fejl i infohus, ikke i data: "
                          "meld den til den, der vedligeholder infohus.") from None
    except outdir.LeftBehind as exc:
        _built(target, found)
        sys.stderr.write(f"infohus: {exc}\n")
        return EXIT_INTERRUPTED if exc.interrupted else EXIT_SYSTEM
    _built(target, found)
    return EXIT_OK


def _built(target: outdir.Target, found: changes.Report) -> None:
    """The new site is in place: say so, and list what changed (what to print and publish again)."""
    sys.stdout.write(f"Bygget: {target.path}\n")
    if found.changes:
        sys.stdout.write("Ændret siden sidste byg:\n" + "".join(f"{line}\n" for line in found.lines()))


def build_outputs(ds: DataSet, folder: Path, before: dict | None = None) -> tuple[dict, changes.Report]:
    """Every output of `ds` into `folder`: the handbook with its cards, the beredskab, the citizen page; then
    what each printed file shows, and what changed since `before` (the marker of the build it replaces).

    The parts run at once, as they need nothing from each other: the beredskab's two PDFs in two more
    processes, the cards in a thread (wkhtmltopdf does that work in its own processes), the citizen page
    once the public PDF it links (with its size) is there, the handbook here. The cards and the internal
    PDF wait beside the intranet until MkDocs has written (and cleaned) that folder. The handbook's
    coordinator and Ændringer pages wait for the list of changes, which is read from the other parts'
    files: the handbook itself is printed by no one.
    """
    cards, internal = folder / f".{CARDS_FOLDER}", folder / f".{INTERNAL_PLAN_PDF}"
    with in_background(build_public_edition, ds, folder / "public") as public_edition, \
            in_background(build_internal_edition, ds, internal) as internal_edition, \
            ThreadPoolExecutor(2) as pool:
        cards_done = pool.submit(build_cards, ds, cards)

        def the_rest() -> tuple[dict, changes.Report]:
            cards_done.result()
            plan = public_edition()
            internal_edition()
            build_public(ds, folder / "public", (plan.pdf_bytes, plan.pdf_pages))
            shown, lines = changes.printed(ds, folder, {f"intranet/{CARDS_FOLDER}": cards,
                                                        f"intranet/{INTERNAL_PLAN_PDF}": internal})
            return shown, changes.compare(before.get("shows") if before else None, shown, ds, lines)

        rest = pool.submit(the_rest)
        build_handbook(ds, folder / "intranet", BuildLog(_report(rest), tuple((before or {}).get("history", []))))
        shown, found = rest.result()
    for card_file in sorted(cards.iterdir()):  # beside the handbook's own page handlekort/index.html
        card_file.replace(folder / "intranet" / CARDS_FOLDER / card_file.name)
    cards.rmdir()
    internal.replace(folder / "intranet" / INTERNAL_PLAN_PDF)
    return shown, found


def _report(rest: Future) -> Callable[[], changes.Report]:
    """The handbook's way to the list of changes: None if a part failed (its error is raised after the handbook)."""
    def report() -> changes.Report | None:
        try:
            return rest.result()[1]
        except BaseException:  # the caller of build_outputs sees it from rest.result()
            return None
    return report
