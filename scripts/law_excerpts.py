#!/usr/bin/env python3
"""Write tests/fixtures/law-excerpts.json: the sections data/national/legal.yml quotes, as the acts word them.

The texts come from retsinformation's own ELI XML as mirrored in the public repository
github:Ansvar-Systems/Danish-law-mcp (files data/seed/<year>_<nr>.json), read from a local clone at one
commit. Each act keeps the mirror's file, commit, DocumentId and the ELI it came from, so anyone can
check a text against retsinformation.dk. Run after a new consolidated act (LBK) replaces one:

    .venv/bin/python scripts/law_excerpts.py /path/to/Danish-law-mcp.git <commit>

tests/test_law_text.py then fails on every quote the new act no longer contains.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "law-excerpts.json"
MIRROR = "github:Ansvar-Systems/Danish-law-mcp"
# The act as legal.yml names it (its `act`) -> the mirror's file and the sections legal.yml quotes or cites.
ACTS = {
    "LBK nr. 282 af 17. marts 2025": ("data/seed/2025_282.json",
                                      ("15", "133", "134", "135", "136", "172 a", "172 b")),
    "LBK nr. 1294 af 7. november 2025": ("data/seed/2025_1294.json",
                                         ("152", "152 e", "215 a", "243", "260", "260 a")),
    "LBK nr. 1298 af 7. november 2025": ("data/seed/2025_1298.json", ("115",)),
}


def section_key(section: str) -> str:
    """"172a" (the mirror's form) and "172 a" (the act's own) -> "§ 172 a"."""
    return "§ " + re.sub(r"(\d)([a-z])$", r"\1 \2", section.replace(" ", ""))


def excerpts(git_dir: str, commit: str) -> dict:
    acts = {}
    for act, (path, wanted) in ACTS.items():
        raw = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], capture_output=True,
                             check=True).stdout
        doc = json.loads(raw)
        found = {section_key(p["section"]): p["content"] for p in doc["provisions"]}
        missing = [s for s in wanted if section_key(s) not in found]
        if missing:
            sys.exit(f"{path} at {commit} has no {', '.join(missing)}")
        document_id = re.search(r"DocumentId=(\w+)", doc["description"]).group(1)
        acts[act] = {"title": doc["title"], "issued": doc["issued_date"],
                     "eli": doc["url"].removesuffix("/xml"), "document_id": document_id,
                     "file": path, "sections": {section_key(s): found[section_key(s)] for s in wanted}}
    return {"mirror": MIRROR, "commit": commit, "acts": acts}


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    TARGET.write_text(json.dumps(excerpts(*sys.argv[1:]), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
