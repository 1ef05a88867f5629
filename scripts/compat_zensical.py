"""For `make compat`: what `infohus build` hands MkDocs, written out for Zensical, which runs no MkDocs plugin.

`python scripts/compat_zensical.py FOLDER CONFIG` renders the handbook's pages for the default data into
FOLDER/docs (macros/handbook/prerender.py) and writes CONFIG: mkdocs.yml with that folder as docs_dir,
FOLDER/site as site_dir (both relative to the project, as Zensical wants them inside it) and the settings
infohus sets from the data on MkDocs' config object (site_name, site_url, site_description, extra.infohus).
The abbreviations (the abbr extension's glossary) are not carried over.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from macros.build import other_macros
from macros.common.paths import DEFAULT_DATA_DIR, MKDOCS_YML, ROOT
from macros.handbook import prerender, site
from macros.model.dataset import load_dataset


def main(folder: Path, config: Path) -> None:
    ds = load_dataset(DEFAULT_DATA_DIR)[0]
    prerender.render_all(ds, folder / "docs", site.NO_LOG, other_macros(ds))
    settings = {"mdx_configs": {}, "theme": {}, "extra": {}}
    site.configure(settings, ds)
    relative = folder.resolve().relative_to(ROOT.resolve()).as_posix()
    text = MKDOCS_YML.read_text(encoding="utf-8")
    name = json.dumps(str(settings["site_name"]), ensure_ascii=False)
    text = re.sub(r"(?m)^docs_dir: docs$", lambda _: f"docs_dir: {relative}/docs", text)
    text = re.sub(r"(?m)^site_name: .*$", lambda _: f"site_name: {name}", text)
    extra = {key: None if value is None else str(value) for key, value in settings["extra"]["infohus"].items()}
    text += (f"site_dir: {relative}/site\nsite_url: {json.dumps(str(settings['site_url']), ensure_ascii=False)}\n"
             f"site_description: {json.dumps(str(settings['site_description']), ensure_ascii=False)}\n"
             f"extra: {json.dumps({'infohus': extra}, ensure_ascii=False)}\n")
    config.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
