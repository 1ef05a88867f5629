"""Make a folder of generated municipalities for the national directory's tests and benchmark.

`python bench/generate.py ROOT [N]` writes ROOT/<slug>/ for the first N (default all 98) names in
data/national/national.yml, each a copy of data/halsnaes with its own name, slug, id, addresses and
numbers. Every person stays an invented example (`example: true`, "Eksempel: …"), as in data/halsnaes.

The numbers follow the range bench/run.py already gives its generated contacts (72 3x xx xx): Denmark has
no number range reserved for fiction, so the generated ones are confined to that one range, one main
number per municipality (72 30 00 01 …) and one for an example out-of-hours duty (72 31 00 01 …).
Addresses and e-mails are on `<slug>.example.org` (RFC 2606), never a municipality's real site.
sources.yml is copied as it is: the texts really are Halsnæs Kommune's, and the source says so.

Output is deterministic: the same N gives the same bytes. `break_municipality(folder)` gives one folder a
data error the check reports with its file and line (for the tests).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "data" / "halsnaes"
NATIONAL = ROOT / "data" / "national" / "national.yml"
TEMPLATE_NAME, TEMPLATE_SLUG = "Halsnæs", "halsnaes"
# Official names that are not "<name> Kommune".
FULL_NAMES = {"København": "Københavns Kommune", "Bornholm": "Bornholms Regionskommune"}
# The error `break_municipality` writes: a phone number with seven digits (the check's own fixture number).
BROKEN_NUMBER = "4174 909"


def names() -> list[str]:
    """The 98 municipalities' names, as national.yml writes them."""
    return yaml.safe_load(NATIONAL.read_text(encoding="utf-8"))["national"]["municipalities"]


def slug(name: str) -> str:
    """"Høje-Taastrup" -> "hoeje-taastrup": the folder, the municipality's id and its host name."""
    plain = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def full_name(name: str) -> str:
    return FULL_NAMES.get(name, f"{name} Kommune")


def main_number(i: int) -> str:
    """The example main number of the i-th municipality (1-based), in the bench range 72 30 xx xx."""
    return f"72 30 {i // 100:02d} {i % 100:02d}"


def duty_number(i: int) -> str:
    return f"72 31 {i // 100:02d} {i % 100:02d}"


def generate(root: Path, count: int | None = None) -> list[Path]:
    """Write `count` (default all) generated municipality folders under `root`; returns them in order."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    folders = []
    for i, name in enumerate(names()[:count], start=1):
        folder = root / slug(name)
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(TEMPLATE, folder)
        for file in sorted(folder.iterdir()):
            if file.suffix in (".yml", ".svg") and file.name != "sources.yml":
                file.write_text(_rename(file.read_text(encoding="utf-8"), name, i), encoding="utf-8")
            if file.suffix == ".yml":  # the editor hint leads to infohus' own schemas wherever ROOT is
                schemas = Path(os.path.relpath(ROOT / "data" / "schema", folder.resolve())).as_posix()
                file.write_text(file.read_text(encoding="utf-8").replace("$schema=../schema/", f"$schema={schemas}/", 1),
                                encoding="utf-8")
        _vary(folder, name, i)
        folders.append(folder)
    return folders


def _rename(text: str, name: str, i: int) -> str:
    s = slug(name)
    text = text.replace(f"{TEMPLATE_SLUG}.dk", f"{s}.example.org").replace("halsnaes-dk", f"{s}-example-org")
    text = text.replace(f"infohus-{TEMPLATE_SLUG}", f"infohus-{s}").replace(f"id: {TEMPLATE_SLUG}\n", f"id: {s}\n")
    text = text.replace(f"{TEMPLATE_NAME} Kommune", full_name(name)).replace(TEMPLATE_NAME, name)
    text = text.replace("Nordsjællands Politi", "Politiet (eksempel)")
    return text.replace('"47 78 40 00"', f'"{main_number(i)}"')


def _vary(folder: Path, name: str, i: int) -> None:
    """Give the i-th municipality its own adoption, revision, topics and (for some) an out-of-hours duty."""
    mfile = folder / "municipality.yml"
    text = mfile.read_text(encoding="utf-8")
    draft = i % 8 == 5
    overdue = i % 9 == 4 and not draft
    if draft:
        adopted = date(2027, 1, 1) + timedelta(days=i)
    elif overdue:
        adopted = date(2021, 3, 1) + timedelta(days=i)
    else:
        adopted = date(2023, 1, 2) + timedelta(days=(i * 37) % 1300)
    revision = adopted.replace(year=adopted.year + 4, day=min(adopted.day, 28))
    text = text.replace("adopted_on: 2026-05-27", f"adopted_on: {adopted}")
    text = text.replace("next_revision: 2030-05-27", f"next_revision: {revision}")
    text = text.replace("date: 2026-05-27", f"date: {min(adopted, date(2026, 11, 1))}")
    if draft:
        text = text.replace("    example: true\n", "    example: true\n    draft: true\n", 1)
    if i % 10 == 7:
        text = text.replace("topics: [extremism, social_control, honour]",
                            "topics: [extremism, social_control]\n  covered_elsewhere:\n"
                            f"    honour: https://{slug(name)}.example.org/plan-om-aeresrelaterede-konflikter")
    mfile.write_text(text, encoding="utf-8")
    if i % 4 == 0:
        with (folder / "contacts.yml").open("a", encoding="utf-8") as contacts:
            contacts.write(_DUTY.format(number=duty_number(i), name=full_name(name)))


_DUTY = """
  - id: socialvagt
    name: Socialvagten (eksempel)
    title: Akut hjælp uden for {name}s åbningstid, når et barn eller en ung er i fare
    organisation: borne-unge
    phones:
      - number: "{number}"
        label: Socialvagten (eksempel)
    hours:
      - days: [mon, tue, wed, thu, fri, sat, sun]
        from: "00:00"
        to: "24:00"
    visibility: public
    example: true
    verified:
      on: 2026-11-01
      by: "Eksempel: SSP-koordinator"
    source:
      doc: eksempeldata
      section: Socialvagten
"""


def break_municipality(folder: Path) -> int:
    """Give `folder` a data error (a seven-digit phone number); returns the line of contacts.yml it is on."""
    contacts = Path(folder) / "contacts.yml"
    lines = contacts.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.strip().startswith("- number:"))
    lines[at] = re.sub(r'"[^"]*"', f'"{BROKEN_NUMBER}"', lines[at], count=1)
    contacts.write_text("".join(lines), encoding="utf-8")
    return at + 1


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python bench/generate.py ROOT [N]")
    made = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else None)
    print(f"{len(made)} municipalities in {sys.argv[1]}")
