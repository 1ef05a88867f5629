"""One record of a round-trip YAML document changed to new plain values, touching only what differs.

The form hands over a record as plain data (text, true/false, lists, mappings; dates as ÅÅÅÅ-MM-DD). Each
value equal to the one in the file is left alone, so its line, quoting and comments stay as they are; a
changed value keeps the old one's type and style (a date stays a date, a quoted text stays quoted, a flow
list stays `[a, b]`); a new value takes the style of the same field elsewhere in the file. The blank line
or comment that follows a record stays after it, whatever is added at its end or removed from it.
"""
from __future__ import annotations

import difflib
import json
import re
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, ScalarString

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Plain text YAML would read as something else (a number, true/false, null, a date, a time): written quoted.
_NOT_PLAIN = re.compile(r"^(?:[-+]?[0-9][0-9_.:eE+-]*|true|false|yes|no|on|off|null|~|)$", re.IGNORECASE)


def plain(value: Any) -> Any:
    """A round-trip value as plain data: dates as ÅÅÅÅ-MM-DD, styled texts as str."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, ScalarString):
        return str(value)
    return value


def apply(node: CommentedMap, new: dict, root: Any, path: tuple) -> None:
    """Change the record `node` (at `path` in the document `root`) so that its plain data is `new`."""
    tail = _take_tail(node)
    _map(node, new, root, path)
    _put_tail(node, tail)


def _map(node: CommentedMap, new: dict, root: Any, path: tuple) -> None:
    for key in [k for k in node if k not in new]:
        _delete(node, key)
    order = list(new)
    for key, value in new.items():
        if key in node:
            node[key] = _changed(node[key], value, root, path + (key,))
        else:
            before = [k for k in order[:order.index(key)] if k in node]
            position = list(node).index(before[-1]) + 1 if before else 0
            node.insert(position, key, _fresh(value, root, path + (key,)))


def _changed(old: Any, new: Any, root: Any, path: tuple) -> Any:
    """`old` itself when its plain data is `new`, else `new` in `old`'s type and style."""
    if plain(old) == new:
        return old
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _map(old, new, root, path)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _seq(old, new, root, path)
        return old
    if isinstance(new, str):
        if isinstance(old, date) and not isinstance(old, str) and _ISO.match(new):
            try:
                return date.fromisoformat(new)
            except ValueError:
                return DoubleQuotedScalarString(new)
        if isinstance(old, ScalarString):
            return _styled(old, new)
        return DoubleQuotedScalarString(new) if _NOT_PLAIN.match(new) else new
    return _fresh(new, root, path)


FOLD_WIDTH = 100  # a folded text's line length where the file gives none to copy


def _styled(like: ScalarString, text: str) -> ScalarString:
    """`text` in the style of `like`; a folded text (`>-`) is folded again at the width of `like`'s lines."""
    made = type(like)(text)
    if isinstance(like, FoldedScalarString):
        made.fold_pos = folds(text, _width(like))
    return made


def _width(folded: FoldedScalarString) -> int:
    """The length of the longest line of a folded text as it was read (FOLD_WIDTH if it stood on one line)."""
    cuts = [0] + [p + 1 for p in getattr(folded, "fold_pos", []) or []] + [len(folded) + 1]
    longest = max(b - a - 1 for a, b in zip(cuts, cuts[1:]))
    return longest if len(cuts) > 2 else FOLD_WIDTH


def folds(text: str, width: int) -> list[int]:
    """Where to fold `text` so no line is longer than `width` (a word longer than that stands alone): the
    positions of single spaces between words, as ruamel.yaml's `fold_pos` takes them."""
    positions, start = [], 0
    for match in re.finditer(r"(?<=\S) (?=\S)", text):
        nxt = re.search(r" |\n|$", text[match.end():])
        end_of_next = match.end() + (nxt.start() if nxt else 0)
        if end_of_next - start > width and match.start() > start:
            positions.append(match.start())
            start = match.end()
        elif "\n" in text[start:match.start()]:
            start = text.rindex("\n", start, match.start()) + 1
    return positions


def _seq(node: CommentedSeq, new: list, root: Any, path: tuple) -> None:
    """Items aligned by equality: equal ones stay, removed ones go with their own lines, changed ones change."""
    old = [json.dumps(plain(v), sort_keys=True, ensure_ascii=False) for v in node]
    now = [json.dumps(v, sort_keys=True, ensure_ascii=False) for v in new]
    ops = difflib.SequenceMatcher(None, old, now, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            node[i1 + k] = _changed(node[i1 + k], new[j1 + k], root, path + (i1 + k,))
        for i in reversed(range(i1 + pairs, i2)):
            _delete(node, i)
        for k, j in enumerate(range(j1 + pairs, j2)):
            node.insert(i1 + pairs + k, _fresh(new[j], root, path + (i1 + pairs + k,)))


def _fresh(value: Any, root: Any, path: tuple) -> Any:
    """A value the file did not have, styled like the same field elsewhere in the file."""
    like = _alike(root, path)
    if isinstance(value, dict):
        made = CommentedMap()
        for key, item in value.items():
            made[key] = _fresh(item, root, path + (key,))
        return made
    if isinstance(value, list):
        made = CommentedSeq(_fresh(item, root, path + (i,)) for i, item in enumerate(value))
        if isinstance(like, CommentedSeq) and like.fa.flow_style():
            made.fa.set_flow_style()
        return made
    if isinstance(value, str):
        if isinstance(like, date) and _ISO.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(like, ScalarString):
            return _styled(like, value)
        return DoubleQuotedScalarString(value) if _NOT_PLAIN.match(value) else value
    return value


def _alike(root: Any, path: tuple) -> Any:
    """The first value in `root` at `path` with any index for each list position (None if there is none)."""
    def walk(node: Any, rest: tuple) -> Any:
        if not rest:
            return node
        head, tail = rest[0], rest[1:]
        if isinstance(head, int) and isinstance(node, list):
            for item in node:
                found = walk(item, tail)
                if found is not None:
                    return found
            return None
        if isinstance(head, str) and isinstance(node, dict) and head in node:
            return walk(node[head], tail)
        return None
    return walk(root, path)


# --- the comment that follows a value ---------------------------------------------------------------------
# ruamel.yaml keeps the blank lines and comments after a value with the last scalar before them: after a
# record, that is the deepest last field. A change at the end of the record would carry them along.

def _flow(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and node.fa.flow_style()


def _tail_holder(node: Any) -> tuple[Any, Any] | None:
    """(container, key) whose comment slot holds what follows `node`; None for an empty or flow value."""
    if not isinstance(node, (CommentedMap, CommentedSeq)) or not node or _flow(node):
        return None
    key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
    return _tail_holder(node[key]) or (node, key)


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _take_tail(node: Any) -> Any:
    """The comment (or blank line) that follows the record `node`, taken out of it."""
    return _taken(_tail_holder(node))


def _taken(held: tuple[Any, Any] | None) -> Any:
    """The tail comment in `held` (a container and the key of its slot), taken out of it; None if none."""
    if held is None:
        return None
    container, key = held
    entry = container.ca.items.get(key)
    if not entry or entry[_slot(container)] is None:
        return None
    token, entry[_slot(container)] = entry[_slot(container)], None
    return token


def _put_tail(node: Any, token: Any) -> None:
    held = _tail_holder(node)
    if token is None or held is None:
        return
    container, key = held
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    entry[_slot(container)] = token


def _delete(node: CommentedMap | CommentedSeq, key: Any) -> None:
    """Remove `key` with its own lines; the comment lines that follow it (the next item's) go to the item
    before it, so they stay where they are."""
    keys = list(node) if isinstance(node, CommentedMap) else list(range(len(node)))
    at = keys.index(key)
    previous = keys[at - 1] if at else None
    tail = _take_tail_of(node, key)
    del node[key]
    if tail is None or previous is None:
        return
    container, slot_key = _tail_holder(node[previous]) or (node, previous)
    entry = container.ca.items.setdefault(slot_key, [None, None, None, None])
    if entry[_slot(container)] is None:
        entry[_slot(container)] = tail


def _take_tail_of(node: CommentedMap | CommentedSeq, key: Any) -> Any:
    """The comment that follows `node[key]`, taken out of it (or out of `node`'s slot for `key`)."""
    return _taken(_tail_holder(node[key]) or (node, key))
