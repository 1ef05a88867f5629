"""Jinja's compiled templates, kept from one run to the next as Python keeps its bytecode in `__pycache__`.

Compiling the templates (infohus' own under overrides/ and the theme's) was a third of the CPU time of a rebuild
with nothing changed, and every forked part of a build compiled its own again. Each template's compiled code is
kept once made: in this process's memory (a second build in one process, `infohus serve` and `build --all`,
compiles nothing again) and in `macros/__pycache__/jinja/`, beside infohus' own code and as trusted as it: who may
write there may change the code itself. A template from a file of the municipality's data is never kept.

An entry is found by the SHA-256 of everything its code depends on: the template's name, file and source, the
environment's class and settings, and the versions of Jinja and Python. An edited template, another theme
version, another Jinja or another Python compiles anew; Jinja itself checks the source's checksum again when it
loads the code. The folder is walked and written as the cache of rendered artefacts is (`cache.Store`): the
user's own folder, no symlink on the way, each entry whole or not at all, its bytes checked against its record.
Unlike that cache it is quiet: where the folder cannot be used (an installation the user may not write, a full
drive) templates are simply compiled as before, and with PYTHONDONTWRITEBYTECODE nothing is written.
`--no-cache` is about rendered PDFs and previews, not compiled code, and leaves this alone, as it leaves
`__pycache__`.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from . import cache
from .paths import DATA_DIR, PACKAGE

FOLDER = PACKAGE / "__pycache__" / "jinja"
MAX_CODE = 16 * 1024 * 1024


class CompiledTemplates(BytecodeCache):
    """A Jinja bytecode cache over memory and `FOLDER` (see the module's docstring)."""

    def __init__(self, folder: Path = FOLDER, trusted: tuple[Path, ...] | None = None):
        self.store = cache.Store(folder, quiet=True)
        self.memory: dict[str, bytes] = {}
        self.lock = threading.Lock()
        # Where a kept template's file may be: infohus' own folders, or an installed package's (the theme's).
        self.trusted = tuple(p.resolve() for p in (trusted or (PACKAGE.parent, Path(jinja2.__file__).parents[1])))

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        if self._kept(filename):
            return super().get_bucket(environment, name, filename, source)
        return Bucket(environment, "", "")  # no key: neither looked up nor stored

    def _kept(self, filename: str | None) -> bool:
        """Whether a template from `filename` is kept: a file of infohus or of an installed package, not the
        data's. A template given as text (the municipality's partials and pages) has no file and is not kept."""
        if not filename:
            return False
        path = Path(filename).resolve()
        return not path.is_relative_to(DATA_DIR.resolve()) and any(path.is_relative_to(t) for t in self.trusted)

    def load_bytecode(self, bucket: Bucket) -> None:
        name = _entry(bucket)
        if name is None:
            return
        with self.lock:
            code = self.memory.get(name)
        if code is None:
            found = self.store.get(name)
            code = found[0] if found is not None and len(found[0]) <= MAX_CODE else None
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja checks its own header and the source's checksum again
            if bucket.code is not None:
                with self.lock:
                    self.memory[name] = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        name = _entry(bucket)
        if name is None or bucket.code is None:
            return
        code = bucket.bytecode_to_string()
        with self.lock:
            self.memory[name] = code
        if not sys.dont_write_bytecode:
            self.store.put(name, code, {"template": bucket.key}, "jinja", sync=False)


def _entry(bucket: Bucket) -> str | None:
    """The entry's name: the SHA-256 over the template (Jinja's key of name and file, its source's checksum) and
    everything else the compiled code depends on; None for a template that is not kept."""
    if not bucket.key:
        return None
    env = bucket.environment
    settings = {name: repr(getattr(env, name, None)) for name in (
        "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
        "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
        "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async")}
    if not isinstance(env.autoescape, bool):
        return None  # decided per template by a function: nothing stable to key it by
    settings["autoescape"] = env.autoescape
    settings["finalize"] = getattr(env.finalize, "__qualname__", None) if env.finalize is not None else None
    settings["filters"], settings["tests"] = sorted(env.filters), sorted(env.tests)  # looked up when compiling
    settings["undefined"] = f"{env.undefined.__module__}.{env.undefined.__qualname__}"
    settings["extensions"] = sorted(env.extensions)
    return cache.key("jinja", template=bucket.key, checksum=bucket.checksum,
                     environment=f"{type(env).__module__}.{type(env).__qualname__}", settings=settings,
                     jinja=jinja2.__version__, python=importlib.util.MAGIC_NUMBER.hex(),
                     implementation=sys.implementation.cache_tag)


_shared: list[CompiledTemplates] = []


def shared() -> CompiledTemplates:
    """This process's bytecode cache, made on first use."""
    if not _shared:
        _shared.append(CompiledTemplates())
    return _shared[0]


def keep(env: jinja2.Environment) -> jinja2.Environment:
    """`env` with its compiled templates kept (this process's bytecode cache); returns `env`."""
    env.bytecode_cache = shared()
    return env
