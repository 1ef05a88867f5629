"""`infohus build`: validate once, build every output into a staging folder beside OUT, then swap it in."""
from __future__ import annotations

import dataclasses
import atexit
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import MkDocsException, PluginError
from mkdocs.plugins import BasePlugin

from . import changes, outdir
from .beredskab.page import build_internal_edition, build_public_edition
from .cards.page import cards_overview
from .cards.pdf import build_cards
from .citizen.page import build_public
from .common import cache
from .common.background import frozen_heap, in_background, shared_event
from .common.faults import SystemFault, sentence
from .common.paths import CARDS_FOLDER, DOCS_DIR, INTERNAL_PLAN_PDF, MKDOCS_YML, MUNICIPALITY_FILE, ROOT
from .common.render import environment
from .common.text import danish_key
from .directory.page import write_directory
from .directory.rows import failed, row
from .gates import checked, heading
from .handbook import preview, prerender, site, theme
from .handbook.search_index import write_index
from .handbook.site import NO_LOG, BuildLog
from .model.dataformat import WrongFormat
from .model.dataset import DataSet, national_dir_for, read_national, today
from .model.problems import DataError, Problem, errors, report

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

    The parts run at once, as they need nothing from each other: the beredskab's two PDFs and the cards in
    three more processes (the public PDF followed there by the citizen page, which links the PDF with its
    size), the handbook and its search index here. The cards and the internal PDF wait beside the intranet
    until MkDocs has written (and cleaned) that folder. The handbook's coordinator and Ændringer pages wait for
    the list of changes, which is read from the other parts' files: the handbook itself is printed by no one.
    Each part reads back the text of its own printed and published files for that list as soon as it has made
    them, and hands it over with its result; the cards, done long before the beredskab's PDFs, give way to them
    on a busy machine (a lower priority). Where a part has to render (not only find) a PDF, the handbook is first
    built once without the list to make its search index meanwhile (`_index_ahead`); where every part only finds
    its files, the handbook is built as soon as they are done, moments later.
    """
    cache.forget()  # fonts and programs are looked up again: they may have been updated since the last build
    cards, internal = folder / f".{CARDS_FOLDER}", folder / f".{INTERNAL_PLAN_PDF}"
    rendering = shared_event()  # set as a part starts to render (not only find) an artefact, or all are done
    # Every process is forked before the first thread starts (a fork beside a running thread is not safe).
    with cache.renders_told(rendering), frozen_heap(), \
            in_background(_public, ds, folder / "public") as public_edition, \
            in_background(_internal, ds, internal) as internal_edition, \
            in_background(_cards, ds, cards, niceness=CARDS_NICENESS) as cards_made, \
            ThreadPoolExecutor(1) as pool:

        def the_rest() -> tuple[dict, changes.Report]:
            known = cards_made() | public_edition() | internal_edition()
            shown, lines = changes.printed(ds, folder, {f"intranet/{CARDS_FOLDER}": cards,
                                                        f"intranet/{INTERNAL_PLAN_PDF}": internal}, known)
            return shown, changes.compare(before.get("shows") if before else None, shown, ds, lines)

        rest = pool.submit(the_rest)
        rest.add_done_callback(lambda _: rendering.set())
        history = tuple((before or {}).get("history", []))
        if cache.folder() is not None:
            rendering.wait()  # the parts that only find their files are done in a moment; a render takes seconds
            if not rest.done():
                _index_ahead(ds, folder / ".handbook-ahead", history)
        build_handbook(ds, folder / "intranet", BuildLog(_report(rest), history))
        write_index(folder / "intranet", ds.search_terms.values())  # in the staging folder, swapped in with the pages
        shown, found = rest.result()
    for card_file in sorted(cards.iterdir()):  # beside the handbook's own page handlekort/index.html
        card_file.replace(folder / "intranet" / CARDS_FOLDER / card_file.name)
    cards.rmdir()
    internal.replace(folder / "intranet" / INTERNAL_PLAN_PDF)
    return shown, found


def _index_ahead(ds: DataSet, ahead: Path, history: tuple) -> None:
    """The handbook built into `ahead` (a folder of this build's own, removed again) without the list of changes,
    and its search index made there into the cache of rendered artefacts, while the build waits for the PDFs.
    Pagefind indexes neither the Ændringer nor the coordinator page, the only pages the list of changes is on:
    the handbook built afterwards with the list finds the same index in the cache. Were any indexed page to
    differ, that build makes its own index, as it would have anyway."""
    try:
        build_handbook(ds, ahead, BuildLog(lambda: None, history))
        write_index(ahead, ds.search_terms.values())
    finally:
        if ahead.exists():  # never left to be published: a folder that cannot be removed stops the build
            shutil.rmtree(ahead)


CARDS_NICENESS = 5  # on a busy machine the cards (and their renderers) give way to the beredskab's PDFs: see nice(2)


def _public(ds: DataSet, public_dir: Path) -> dict[str, str]:
    """OUT/public: the beredskab's public edition, then the citizen page that links its PDF (with its size); and
    the text of what is published there, read back for the list of changes."""
    plan = build_public_edition(ds, public_dir)
    build_public(ds, public_dir, (plan.pdf_bytes, plan.pdf_pages))
    return changes.read_ahead(ds, "public", public_dir)


def _internal(ds: DataSet, target: Path) -> dict[str, str]:
    """The beredskab's internal edition as a PDF at `target`, and its text read back for the list of changes."""
    build_internal_edition(ds, target)
    return changes.read_ahead(ds, f"intranet/{INTERNAL_PLAN_PDF}", target)


def _cards(ds: DataSet, folder: Path) -> dict[str, str]:
    """The action cards, the A4 sheet and their previews in `folder`, and their text read back for the list of
    changes."""
    build_cards(ds, folder)
    return changes.read_ahead(ds, f"intranet/{CARDS_FOLDER}", folder)


def _report(rest: Future) -> Callable[[], changes.Report]:
    """The handbook's way to the list of changes: None if a part failed (its error is raised after the handbook)."""
    def report() -> changes.Report | None:
        try:
            return rest.result()[1]
        except BaseException:  # the caller of build_outputs sees it from rest.result()
            return None
    return report


# Folders under a directory's ROOT that are never a municipality: the national data and the schemas (as in data/).
NOT_MUNICIPALITIES = ("national", "schema")


def municipality_folders(root: Path) -> list[Path]:
    """The municipality folders under `root`: every folder holding a YAML file, except national/ and schema/."""
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith(".")
                  and p.name not in NOT_MUNICIPALITIES and any(p.glob("*.y*ml")))


def build_directory(root: Path, out: Path) -> int:
    """`infohus directory ROOT --out OUT`: check every municipality folder under ROOT (no build) and write the
    national overview, its HSDS 3.0 export and its rows as JSON into OUT, replaced as a build is.

    The national data is read once for all. A municipality whose data has errors gets a row saying so, with
    its first error's file and line; the others are written all the same, and the exit code is then 1.
    """
    folders = municipality_folders(root)
    national = national_dir_for(root / "_")  # national/ beside the municipality folders, else the shipped one
    target = outdir.claim(out, {"projektmappen": ROOT, "datamappen": root, "de nationale data": national})
    national_read = read_national(national)
    rows = []
    for folder in folders:
        try:
            ds, problems = checked(folder, national_read=national_read)
        except WrongFormat as exc:
            rows.append(failed(folder, _format_problem(folder, exc)))
            continue
        found = errors(problems)
        if ds is None or found:
            first = found[0] if found else problems[0]
            rows.append(failed(folder, _relative(first, root), ds.municipality.name if ds is not None else None))
        else:
            rows.append(row(folder, ds))
    rows.sort(key=lambda r: danish_key(r.name))
    on = today()
    with outdir.held(target) as place, place.staging() as staging:
        write_directory(rows, staging, on)
        place.publish({"data": str(Path(root).resolve()), "date": on.isoformat()})
    broken = [r for r in rows if r.error is not None]
    for r in broken:
        sys.stderr.write(f"{r.name}: data har fejl: {r.error}\n")
    sys.stdout.write(f"Oversigt over {len(rows)} kommuner bygget: {target.path}"
                     + (f" ({len(broken)} med fejl i data).\n" if broken else ".\n"))
    return EXIT_DATA if broken else EXIT_OK


def _relative(problem: Problem, root: Path) -> Problem:
    """`problem` with its file named from ROOT's parent (e.g. "kommuner/aabenraa/contacts.yml")."""
    try:
        shown = Path(problem.file).resolve().relative_to(Path(root).resolve().parent)
    except ValueError:
        return problem
    return dataclasses.replace(problem, file=str(shown))


def _format_problem(folder: Path, exc: WrongFormat) -> Problem:
    """A folder written for another data format, as the row's first error."""
    return Problem(str(Path(folder.name) / MUNICIPALITY_FILE), exc.line, "", exc.sentence().split(": ", 1)[1])


_PENDING: list[tuple[str, DataSet]] = []  # what the forked workers of `build_every` build, by index


def build_every(root: Path, out: Path, strict: bool) -> int:
    """`infohus build --all ROOT --out OUT`: every municipality folder under ROOT into OUT/<folder>/.

    The national data is read once; each folder is checked here, then built in a worker process, as many at
    once as the machine has cores. A folder whose data has errors is reported with its file and line and
    left out of OUT; the others are built all the same, and the exit code is then 1. OUT is replaced as a
    single build's OUT is: only when every built folder succeeded far enough to be swapped in together.
    """
    folders = municipality_folders(root)
    national = national_dir_for(root / "_")
    target = outdir.claim(out, {"projektmappen": ROOT, "datamappen": root, "de nationale data": national})
    national_read = read_national(national)
    failed_names: list[str] = []
    _PENDING.clear()
    for folder in folders:
        try:
            ds, problems = checked(folder, strict, national_read=national_read)
        except WrongFormat as exc:
            failed_names.append(folder.name)
            sys.stderr.write(f"{folder.name}: data har fejl; ikke bygget.\n{exc.sentence()}\n")
            continue
        if ds is None or errors(problems):
            failed_names.append(folder.name)
            sys.stderr.write(f"{folder.name}: data har fejl; ikke bygget.\n{report(errors(problems), national)}\n")
        else:
            _PENDING.append((folder.name, ds))
    if _PENDING:
        _loaded_once()
    with outdir.held(target) as place, place.staging() as staging:
        workers = max(1, min(len(_PENDING), os.cpu_count() or 1))
        with frozen_heap(), ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_build_one, [(i, str(staging)) for i in range(len(_PENDING))]))
        for (name, _), why in zip(_PENDING, results):
            if why is not None:
                failed_names.append(name)
                sys.stderr.write(f"{name}: byggeriet fejlede; ikke bygget: {why}\n")
        dates = [ds.content_date() for name, ds in _PENDING if name not in failed_names]
        place.publish({"data": str(Path(root).resolve()), **({"date": max(dates).isoformat()} if dates else {})})
    built = len(folders) - len(failed_names)
    sys.stdout.write(f"Bygget: {target.path} ({built} af {len(folders)} kommuner"
                     + (f"; ikke bygget: {', '.join(sorted(failed_names))}).\n" if failed_names else ").\n"))
    return EXIT_DATA if failed_names else EXIT_OK


def _loaded_once() -> None:
    """What every municipality's build loads alike, loaded here once before the workers fork, so that none of them
    (nor the processes each of them forks for the PDFs and the cards) loads it again: WeasyPrint, which takes half
    a second to import, Pyphen's dictionaries, and the templates of the beredskab, the cards and the citizen page."""
    from .beredskab.pdf import load_engine
    from .citizen.text import load_dictionaries

    load_engine()
    load_dictionaries()
    env = environment()
    for name in env.list_templates(filter_func=lambda n: n.startswith(("beredskab/", "cards/", "citizen/"))):
        env.get_template(name)


def _build_one(task: tuple[int, str]) -> str | None:
    """In a worker: build the index-th pending municipality into STAGING/<folder>; None, or why it failed."""
    index, staging = task
    name, ds = _PENDING[index]
    part = Path(staging) / f".{name}.part"  # in this build's own staging folder; renamed only when whole
    try:
        part.mkdir()
        build_outputs(ds, part)
        part.rename(Path(staging) / name)
    except (DataError, MkDocsException, SystemFault, OSError) as exc:
        shutil.rmtree(part, ignore_errors=True)
        return report(exc.problems, ds.national_dir) if isinstance(exc, DataError) else sentence(exc)
    return None


# --- the handbook -------------------------------------------------------------------------------------------------
# infohus renders the handbook's pages (handbook/prerender.py) with the macros of every output (the Handlekort page
# shows the cards), MkDocs builds that plain Markdown with the settings from the data, then infohus writes the files
# the pages link to (vCards, calendar, logo). MkDocs builds pages and the theme: no macros plugin, and no hook of
# infohus' runs at the end of its build.
#
# `InfohusPlugin` is the `infohus` MkDocs plugin (mkdocs.yml). Under `infohus build` it only fixes the theme
# (handbook/theme.py). Under a bare `mkdocs build` or `mkdocs serve` (and `infohus serve`, which is MkDocs'
# server) nobody has rendered the pages: then it does what `infohus build` would, from the folder in INFOHUS_DATA,
# and under `infohus serve` also makes the preview's other outputs after each build.

def other_macros(ds: DataSet) -> dict:
    """The macros of other outputs that the handbook's pages call, by name."""
    return {"handlekort": lambda: Markup(cards_overview(ds))}


def build_handbook(ds: DataSet, site_dir: Path, log: BuildLog = NO_LOG) -> None:
    """Render the handbook's pages, run MkDocs on them with the settings from the data, write the linked files.

    A page that cannot render is a SystemFault (infohus' fault) or a PluginError naming the municipality's own
    page or partial (a data error); MkDocs' own failures keep their reasons from its log."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    reasons = _Reasons()
    logging.getLogger("mkdocs").addHandler(reasons)
    try:
        with tempfile.TemporaryDirectory(prefix="infohus-sider-") as rendered, site.given(ds, log), site.dated(ds):
            prerender.render_all(ds, Path(rendered), log, other_macros(ds))
            config = load_config(str(MKDOCS_YML), site_dir=str(site_dir), docs_dir=rendered)
            site.settle(config, ds)
            build(config)
    except SystemExit as exc:
        if not reasons.found:  # MkDocs' own Abort: the build's caller says it
            raise
        raise PluginError(" ".join(reasons.found)) from exc
    finally:
        logging.getLogger("mkdocs").removeHandler(reasons)
    site.write_files(site_dir, ds)


class _Reasons(logging.Handler):
    """Why a handbook build failed, from MkDocs' log: the words `infohus build` shows, where MkDocs itself would
    only say "Aborted with a BuildError!"."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.levelno >= logging.ERROR and not text.startswith("Error reading page"):
            self.found.append(text)


class InfohusPlugin(BasePlugin):
    """The theme's fixes; and, where `infohus build` has not rendered the pages, what it would do."""

    dataset: DataSet | None = None  # what a bare MkDocs build renders (on_config); None under infohus build

    def on_config(self, config):
        from .gates import refusals

        if site.handed():
            self.dataset = None
            return config
        self.dataset = ds = site.dataset(refusals)
        folder = _rendered_pages()
        source = Path(config.docs_dir)  # docs/, or the folder a bare build was given; never our own output
        prerender.render_all(ds, folder, NO_LOG, other_macros(ds), docs=DOCS_DIR if source == folder else source)
        config.docs_dir = str(folder)
        site.settle(config, ds)
        site.date_pages(ds)
        return config

    def on_files(self, files, config):
        return theme.on_files(files, config)

    def on_env(self, env, config, files):
        return theme.on_env(env, config, files)

    def on_post_build(self, config):
        from . import serve

        if self.dataset is None:
            return
        site.write_files(Path(config["site_dir"]), self.dataset)
        if serve.previewing():
            serve.write_preview(self.dataset, Path(config["site_dir"]))

    def on_serve(self, server, config, builder):
        """The preview watches infohus' page templates, not the folder of rendered pages it builds from: a
        rebuild writes that folder itself, and watching it would start every rebuild a second time."""
        if self.dataset is not None and _folder:
            try:
                server.unwatch(str(_folder[0]))
            except KeyError:  # an MkDocs that watches it under another name: one rebuild more, nothing worse
                pass
            server.watch(str(DOCS_DIR))
        return preview.on_serve(server, config, builder)


_folder: list[Path] = []


def _rendered_pages() -> Path:
    """This process's folder of rendered pages for a bare MkDocs build: made once (so a preview server watches
    one folder), removed when the process ends. infohus made it, so infohus may remove it."""
    if not _folder:
        _folder.append(Path(tempfile.mkdtemp(prefix="infohus-sider-")))
        atexit.register(shutil.rmtree, _folder[0], True)
    return _folder[0]
