"""`infohus migrate`: a municipality's data folder brought forward, in place, to the data format this infohus reads.

May import `macros.model`, `macros.common` and `macros.scaffold` (whose templates bring new required texts).

The format changes are an ordered list of steps, one module each (step_1_to_2.py takes format 1 to 2). A
step edits the folder's YAML through yamlfile.Folder, which keeps comments and layout, and tells the
coordinator in the Report what it changed, what it could not decide and what they must now write. `migrate`
runs the steps from the folder's format up, all in memory, then writes `format: N` and only then the files:
after a backup of the folder, or, in a git work tree, only when the folder has no uncommitted changes (git is
then the backup) unless told otherwise. Each file is written to a temporary file beside it and renamed into
place. Adding a step: RELEASING.md.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from ..common.faults import SystemFault, sentence
from ..common.paths import MUNICIPALITY_FILE, SCHEMA_DIR
from ..model.dataformat import DATA_FORMAT, FIRST_FORMAT, WrongFormat, format_and_line, version
from . import step_1_to_2
from .report import CHANGED, HEADINGS, TO_WRITE, UNDECIDED, Report
from .yamlfile import Folder

# STEPS[i] takes data from format i + 1 to i + 2; the last ends at DATA_FORMAT.
STEPS = (step_1_to_2,)
EXIT_OK, EXIT_DATA, EXIT_SYSTEM = 0, 1, 2
FORMAT_COMMENT = "dataformatet; ændr det ikke selv (infohus migrate gør det ved en ny version af infohus)"


def migrate(data_dir: Path, force: bool = False, command: str = "infohus") -> int:
    """Bring `data_dir` to DATA_FORMAT in place, print the report; 0 done (or nothing to do), 1 refused."""
    data_dir = Path(data_dir)
    found, line = format_and_line(data_dir)
    if found is None:
        sys.stderr.write(f"infohus: kan ikke se, hvilket dataformat {data_dir} er skrevet til: {MUNICIPALITY_FILE} "
                         f"mangler, kan ikke læses, eller dens format er ikke et helt tal. Se fejlen med "
                         f"{command} check --data {data_dir}.\n")
        return EXIT_DATA
    if found > DATA_FORMAT:
        raise WrongFormat(data_dir, found, line)
    if found == DATA_FORMAT:
        sys.stdout.write(f"Data i {data_dir} er allerede i dataformat {DATA_FORMAT}. Intet er ændret.\n")
        return EXIT_OK
    state = _git_state(data_dir)
    if state == "dirty" and not force:
        sys.stderr.write(f"infohus: {data_dir} har ændringer, der ikke er committet i git. Commit dem først, så "
                         "du bagefter kan se migreringens ændringer med git diff og fortryde dem, eller kør igen med "
                         "--force (så laves en sikkerhedskopi af mappen først). Intet er ændret.\n")
        return EXIT_DATA

    folder, report = Folder(data_dir), Report()
    for step in STEPS[max(found, FIRST_FORMAT) - FIRST_FORMAT:]:
        step.run(folder, report)
        _set_format(folder, step.TO, report)
    _point_schema_lines(folder, report)
    _unread(folder, report)
    if not folder.get("municipality").editable:
        sys.stderr.write(f"infohus: {MUNICIPALITY_FILE} i {data_dir} kan ikke rettes: "
                         f"{folder.get('municipality').why_not}. Intet er ændret.\n")
        return EXIT_DATA

    backup = None if state == "clean" else _backup(data_dir, found)
    _write(folder, backup)
    sys.stdout.write(_text(data_dir, found, folder, report, backup, command))
    return EXIT_OK


def _set_format(folder: Folder, to: int, report: Report) -> None:
    """`format: to` at the top of municipality.yml (after its comments)."""
    file = folder.get("municipality")
    if not file.editable or not isinstance(file.data, CommentedMap):
        return
    if "format" in file.data:
        file.data["format"] = to
    else:
        file.data.insert(0, "format", to, comment=FORMAT_COMMENT)
    file.edited = True
    report.notes[:] = [n for n in report.notes if not (n.file == file.name and n.path == ("format",))]
    report.changed(file.name, ("format",), f"format: {to}, dataformatet, som infohus {version()} læser.")
    report.notes.insert(0, report.notes.pop())


_SCHEMA_LINE = re.compile(r"^(#\s*yaml-language-server:\s*\$schema=)(\S+)\s*$")


def _point_schema_lines(folder: Folder, report: Report) -> None:
    """Each file's editor line (`# yaml-language-server: $schema=...`) led to this infohus' schema: after an
    upgrade or a move it often leads to the old one, and the editor then silently stops checking."""
    pointed = []
    for schema in sorted(SCHEMA_DIR.glob("*.schema.json")):
        file = folder.get(schema.name.removesuffix(".schema.json"))
        if file.base is None or not file.editable:
            continue
        wanted = Path(os.path.relpath(schema, file.path.parent.resolve())).as_posix()
        for index, line in enumerate(file.text().split("\n")[:5]):
            found = _SCHEMA_LINE.match(line.strip())
            if found:
                target = Path(found[2]) if Path(found[2]).is_absolute() else file.path.parent / found[2]
                if "://" not in found[2] and target.resolve() != schema.resolve():
                    file.comment_lines[index] = f"{found[1]}{wanted}"
                    pointed.append(file.name)
                break
    if pointed:
        report.changed("", (), f"$schema-linjen øverst i {', '.join(pointed)} peger nu på denne infohus' skemaer, så "
                               "din editor igen tjekker filerne, mens du skriver.")


def _unread(folder: Folder, report: Report) -> None:
    """A note for each YAML file of the folder that could not be read at all (a link, not UTF-8, not YAML)."""
    for path in sorted(folder.path.glob("*.y*ml")):
        file = folder.get(path.stem)
        if file.path == path and file.data is None and file.why_not and not file.created:
            report.undecided(file.name, (), f"{file.why_not}, så infohus migrate har hverken læst eller rettet den. "
                                            "Ret den selv efter det nye dataformat (se CHANGELOG.md).")


def _git_state(folder: Path) -> str | None:
    """"clean" or "dirty" when `folder`'s YAML files are in a git work tree and tracked there (git can then
    give them back); None otherwise (also when one is ignored by git), and the folder gets a backup."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=60)

    try:
        inside = git("rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        status = git("status", "--porcelain", "--untracked-files=all", "--", ".")
        tracked = git("ls-files", "-z", "--", ".")
    except (OSError, subprocess.TimeoutExpired):
        return None  # no usable git
    if status.returncode != 0 or tracked.returncode != 0:
        return None
    if status.stdout.strip():
        return "dirty"
    files = {name for name in tracked.stdout.split("\0") if name}
    return "clean" if all(p.name in files for p in folder.glob("*.y*ml")) else None


def _backup(folder: Path, found: int) -> Path:
    """A copy of the folder beside it (links copied as links, nothing overwritten): NAME.backup-format-N[-k]."""
    for k in range(1, 100):
        target = folder.parent / f"{folder.resolve().name}.backup-format-{found}{'' if k == 1 else f'-{k}'}"
        if not os.path.lexists(target):
            shutil.copytree(folder, target, symlinks=True)
            return target
    raise SystemFault(f"Der ligger allerede 99 sikkerhedskopier af {folder} ved siden af den. Flyt dem væk, og prøv "
                      "igen. Intet er ændret.")


def _write(folder: Folder, backup: Path | None) -> None:
    """Each changed or new file through a temporary file beside it; renamed into place only when all are written."""
    staged: list[tuple[Path, Path]] = []
    try:
        for file in folder.to_write():
            mode = os.stat(file.path).st_mode & 0o7777 if file.base is not None and not file.created else 0o644
            handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".infohus-migrate", dir=folder.path)
            staged.append((Path(temporary), file.path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(file.text())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise SystemFault(f"{sentence(exc)} Intet er ændret.") from None
    for number, (temporary, target) in enumerate(staged):
        try:
            os.replace(temporary, target)
        except OSError as exc:
            kept = f"sikkerhedskopien {backup}" if backup else "git (git checkout -- .)"
            for left, _ in staged[number:]:
                left.unlink(missing_ok=True)
            raise SystemFault(f"{sentence(exc)} {number} af {len(staged)} filer blev rettet; hent dem tilbage fra "
                              f"{kept}.") from None


def _text(data_dir: Path, found: int, folder: Folder, report: Report, backup: Path | None, command: str) -> str:
    """The report as the coordinator reads it."""
    lines = [f"Data i {data_dir} er flyttet fra dataformat {found} til {DATA_FORMAT} (infohus {version()})."]
    if backup:
        lines.append(f"Sikkerhedskopi af mappen, som den var: {backup}")
    else:
        lines.append(f"Mappen er i git: se ændringerne med git diff, og fortryd dem med git checkout -- {data_dir}")
    files = {f.name: f for f in folder.loaded()}
    for kind in (CHANGED, UNDECIDED, TO_WRITE):
        notes = report.of(kind)
        if notes:
            lines += ["", HEADINGS[kind]]
            for note in notes:
                file = files.get(note.file)
                if not note.file:
                    lines.append(f"  {data_dir}: {note.text}")
                    continue
                line = file.line(note.path) if file is not None and file.base is not None else 1
                lines.append(f"  {data_dir / note.file}:{line}: {note.text}")
    lines += ["", f"Se, hvad der nu mangler: {command} check --data {data_dir}"]
    return "\n".join(lines) + "\n"
