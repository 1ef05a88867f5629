"""mkdocs-macros entry point: load the validated data and register the page macros."""
from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from .dataset import DEFAULT_DATA_DIR, load_dataset
from .problems import errors, report


def define_env(env) -> None:
    """Validate the data first (same messages as `infohus check`), then expose it to pages."""
    data_dir = Path(os.environ.get("INFOHUS_DATA") or DEFAULT_DATA_DIR)
    strict = os.environ.get("INFOHUS_STRICT") == "1"
    ds, problems = load_dataset(data_dir, strict=strict)
    if ds is None or errors(problems):
        raise PluginError("Data har fejl; intet er bygget.\n" + report(problems))
    env.conf["site_name"] = ds.municipality.team
    env.variables["data"] = ds
