"""The contacts file as `infohus edit` reads and writes it: checked like `infohus check` before it is written,
written atomically beside a backup, and never over a change made by someone else.

A save reads the file's bytes once, through a held descriptor of the data folder and without following a
link, and compares their SHA-256 with the one the form was made from: a file changed since is never
overwritten. The new text is checked by the project's own loader, schema, rules and gates (as if it were on
disk: `given`), and refused with the check's own problems if it has an error the file did not already have.
Then the bytes that were there go to `.contacts.yml.bak` (replaced only when its hash is the one recorded
in `.infohus-edit.json` when infohus wrote it), and the new text to a temporary file in the same folder,
which is synced and renamed over the file.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..common import beneath
from ..common.faults import SystemFault
from ..gates import checked
from ..migrate import yamlfile
from ..model.dataset import DataSet
from ..model.loader import MAX_BYTES
from ..model.problems import Problem, errors
from .document import apply, plain

KIND = "contacts"
RECORD = ".infohus-edit.json"   # the hashes of the backups this program wrote, so only those are replaced
MAX_RECORD = 64 * 1024
_SAVING = threading.Lock()      # one save at a time in this process


class Stale(Exception):
    """The file changed since the form was made from it."""


class Refused(Exception):
    """The save was not written: the problems of the new text (the check's), or one sentence why."""

    def __init__(self, problems: list[Problem], why: str = ""):
        self.problems, self.why = problems, why
        super().__init__(why or "; ".join(map(str, problems)))


@dataclass
class Snapshot:
    """The contacts file as read now: its name, bytes, hash and round-trip data."""

    name: str
    raw: bytes
    digest: str
    file: yamlfile.YamlFile

    def records(self) -> list[Any]:
        data = self.file.data
        found = data.get("contacts") if isinstance(data, dict) else None
        return list(found) if isinstance(found, list) else []

    def index(self, contact_id: str) -> int | None:
        """The position of the contact `contact_id` in the file, if it is there once."""
        places = [i for i, r in enumerate(self.records()) if isinstance(r, dict) and r.get("id") == contact_id]
        return places[0] if len(places) == 1 else None

    def record(self, contact_id: str) -> dict | None:
        """The contact `contact_id` as plain data (dates as ÅÅÅÅ-MM-DD)."""
        at = self.index(contact_id)
        return None if at is None else plain(self.records()[at])


@dataclass
class Saved:
    """A save that was written: the text before and after, the check's problems after, and both data sets."""

    before: bytes
    after: bytes
    problems: list[Problem]
    ds_before: DataSet | None
    ds_after: DataSet | None
    changed_lines: int = field(default=0)


def _folder(data_dir: Path) -> int:
    return os.open(data_dir, beneath.FOLDER)


def _file_name(folder: int) -> str:
    found = [n for n in (f"{KIND}.yml", f"{KIND}.yaml") if beneath.lstat(folder, n) is not None]
    if len(found) != 1:
        raise Refused([], f"datamappen skal have præcis én {KIND}.yml; den har "
                          f"{' og '.join(found) if found else 'ingen'}.")
    return found[0]


def _read(folder: int, name: str) -> bytes:
    try:
        fd, info = beneath.open_file(folder, name)
    except beneath.NotBeneath:
        raise Refused([], f"{name} er ikke en almindelig fil (måske et symbolsk link), så infohus edit retter "
                          "den ikke. Ret den i en editor i stedet.") from None
    try:
        if info.st_size > MAX_BYTES:
            raise Refused([], f"{name} er større end {MAX_BYTES // 1024 // 1024} MB, så infohus edit retter den ikke.")
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(fd, 1 << 20)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read(data_dir: Path) -> Snapshot:
    """The contacts file of `data_dir` as it is now."""
    folder = _folder(data_dir)
    try:
        name = _file_name(folder)
        raw = _read(folder, name)
    finally:
        os.close(folder)
    return Snapshot(name, raw, hashlib.sha256(raw).hexdigest(), yamlfile.parsed(Path(data_dir) / name, raw))


def edited_text(snapshot: Snapshot, contact_id: str, record: dict) -> bytes:
    """The file's bytes with the contact `contact_id` changed to `record` (plain data), nothing else touched."""
    if not snapshot.file.editable:
        raise Refused([], f"{snapshot.name} kan ikke rettes her: {snapshot.file.why_not}. Ret den i en editor.")
    at = snapshot.index(contact_id)
    if at is None:
        raise Refused([], f"kontakten \"{contact_id}\" står ikke (præcis én gang) i {snapshot.name}.")
    # A fresh round-trip copy: the snapshot's own data stays as read.
    fresh = yamlfile.parsed(snapshot.file.path, snapshot.raw)
    node = fresh.data["contacts"][at]
    apply(node, record, fresh.data, ("contacts", at))
    fresh.edited = True
    return fresh.text().encode("utf-8")


def _key(problem: Problem) -> tuple[str, str, str]:
    return problem.file, problem.path, problem.message


def save(data_dir: Path, seen: str, contact_id: str, record: dict) -> Saved:
    """Write the contact `contact_id` as `record`, if the file is still the one with hash `seen` and the
    result passes the check; else Stale or Refused, and nothing is written."""
    with _SAVING:
        snapshot = read(data_dir)
        if snapshot.digest != seen:
            raise Stale()
        new = edited_text(snapshot, contact_id, record)
        ds_before, before = checked(data_dir)
        if new == snapshot.raw:
            return Saved(snapshot.raw, new, before, ds_before, ds_before)
        ds_after, after = checked(data_dir, given={snapshot.name: new})
        known = {_key(p) for p in errors(before)}
        fresh = [p for p in errors(after) if _key(p) not in known]
        if fresh:
            raise Refused(fresh)
        _write(data_dir, snapshot, new)
        return Saved(snapshot.raw, new, after, ds_before, ds_after)


def bekraeft(data_dir: Path, seen: str, contact_id: str, today: date) -> Saved:
    """Confirm the contact unchanged: its verified.on becomes `today`."""
    record = read(data_dir).record(contact_id)
    if record is None:
        raise Refused([], f"kontakten \"{contact_id}\" står ikke i kontaktfilen.")
    verified = dict(record.get("verified") or {})
    verified["on"] = today.isoformat()
    return save(data_dir, seen, contact_id, {**record, "verified": verified})


def turnover(data_dir: Path, seen: str, contact_id: str, name: str, phone: str, email: str, by: str,
             today: date, real: bool = False) -> Saved:
    """A new person in the same function: the name, the first phone number and the e-mail replaced, the id
    kept, verified set to `today` by `by`; `real` drops `example: true` (the successor is a real person)."""
    record = read(data_dir).record(contact_id)
    if record is None:
        raise Refused([], f"kontakten \"{contact_id}\" står ikke i kontaktfilen.")
    new = dict(record)
    new["name"] = name
    if phone:
        phones = [dict(p) for p in record.get("phones") or []]
        if phones:
            phones[0]["number"] = phone
        else:
            phones = [{"number": phone}]
        new["phones"] = phones
    if email:
        new["email"] = email
    else:
        new.pop("email", None)
    new["verified"] = {**dict(record.get("verified") or {}), "on": today.isoformat(), "by": by}
    if real:
        new.pop("example", None)
    return save(data_dir, seen, contact_id, _in_order(new, record))


def _in_order(new: dict, old: dict) -> dict:
    """`new` with its keys in `old`'s order, new keys last."""
    return {**{k: new[k] for k in old if k in new}, **{k: v for k, v in new.items() if k not in old}}


# --- writing ---------------------------------------------------------------------------------------------

def _write(data_dir: Path, snapshot: Snapshot, new: bytes) -> None:
    folder = _folder(data_dir)
    try:
        info = beneath.lstat(folder, snapshot.name)
        if info is None or not stat.S_ISREG(info.st_mode):
            raise Stale()
        mode = stat.S_IMODE(info.st_mode)
        _backup(folder, snapshot.name, snapshot.raw, mode)
        temporary = _temporary(folder, snapshot.name, new, mode)
        try:
            if hashlib.sha256(_read(folder, snapshot.name)).hexdigest() != snapshot.digest:
                raise Stale()  # changed while this save was checked: the change stays
            os.rename(temporary, snapshot.name, src_dir_fd=folder, dst_dir_fd=folder)
            temporary = None
            os.fsync(folder)
        finally:
            if temporary is not None:
                os.unlink(temporary, dir_fd=folder)
    finally:
        os.close(folder)


def _temporary(folder: int, name: str, raw: bytes, mode: int) -> str:
    """A new file `.NAME.infohus-XXXX.tmp` in the folder with `raw`, synced to disk; its name."""
    temporary = f".{name}.infohus-{secrets.token_hex(4)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode,
                 dir_fd=folder)
    try:
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(temporary, dir_fd=folder)
        raise
    os.close(fd)
    return temporary


def backup_name(name: str) -> str:
    return f".{name}.bak"


def _backup(folder: int, name: str, raw: bytes, mode: int) -> None:
    """`raw` as `.NAME.bak`: a new file, or one replacing the backup this program wrote last (its hash recorded)."""
    target = backup_name(name)
    record = _record(folder)
    there = beneath.lstat(folder, target)
    if there is not None:
        if not stat.S_ISREG(there.st_mode) or beneath.digest(folder, target) != record.get(target):
            raise Refused([], f"der ligger allerede en {target} i datamappen, som infohus edit ikke selv har "
                              "skrevet (eller som er ændret siden). Flyt eller slet den, og gem igen; så "
                              "gemmer infohus den forrige udgave der.")
    record[target] = hashlib.sha256(raw).hexdigest()
    written = _temporary(folder, RECORD, (json.dumps({"backups": record}, indent=1) + "\n").encode(), 0o644)
    os.rename(written, RECORD, src_dir_fd=folder, dst_dir_fd=folder)
    written = _temporary(folder, target, raw, mode)
    os.rename(written, target, src_dir_fd=folder, dst_dir_fd=folder)


def _record(folder: int) -> dict[str, str]:
    """The backups this program wrote (name -> SHA-256), read strictly; a record not as written is refused."""
    if beneath.lstat(folder, RECORD) is None:
        return {}
    not_ours = Refused([], f"filen {RECORD} i datamappen er ikke, som infohus edit skrev den. Flyt eller slet "
                           "den og sikkerhedskopien ved siden af, og gem igen.")
    try:
        fd, info = beneath.open_file(folder, RECORD)
    except beneath.NotBeneath:
        raise not_ours from None
    try:
        raw = os.read(fd, MAX_RECORD + 1)
    finally:
        os.close(fd)
    try:
        data = json.loads(raw) if len(raw) <= MAX_RECORD else None
    except ValueError:
        data = None
    backups = data.get("backups") if isinstance(data, dict) and set(data) == {"backups"} else None
    if not isinstance(backups, dict) or not all(
            isinstance(k, str) and k.startswith(".") and k.endswith(".bak") and isinstance(v, str) and len(v) == 64
            and all(c in "0123456789abcdef" for c in v) for k, v in backups.items()):
        raise not_ours
    return dict(backups)


def fault(exc: OSError) -> SystemFault:
    """A system fault while saving, said as a sentence (for the page)."""
    from ..common.faults import sentence
    return SystemFault(sentence(exc))
