"""What a public record references is shown publicly only if it is public itself.

A public decision path's outcome names a legal rule and a level of the prevention triangle; the public
edition prints the rule's title and the level's name and urgency. An internal rule or level reached that
way is refused by the check, at the reference, naming both records (the public plan would be wrong without
them). The gate drops such a reference too, so even data that bypassed the check cannot publish it. A
contact reached that way becomes its function (tests/test_citizen_leak.py).
"""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

import yaml

from conftest import error_lines
from macros.beredskab.page import document
from macros.beredskab.view import INTERNAL, PUBLIC, plan_view
from macros.common.paths import NATIONAL_DIR, SCHEMA_DIR
from macros.model.dataset import load_dataset
from macros.model.loader import format_path, load

RULE, LEVEL = "rpl-115", "foregribende"


def make_internal(data_dir: Path) -> tuple[Path, Path]:
    """Make the national rule RULE internal (a municipality legal.yml overrides it) and the level LEVEL too."""
    national, _ = load(NATIONAL_DIR / "legal.yml", "legal.yml")
    rule = next(r for r in national.data["legal"] if r["id"] == RULE) | {"visibility": "internal"}
    legal = data_dir / "legal.yml"
    legal.write_text(f"# yaml-language-server: $schema={os.path.relpath(SCHEMA_DIR, data_dir)}/legal.schema.json\n"
                     + yaml.safe_dump({"legal": [rule]}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    escalation = data_dir / "escalation.yml"
    text = escalation.read_text(encoding="utf-8")
    block = re.search(rf"  - id: {LEVEL}\n(?:    .*\n|\n)*?    visibility: public\n", text)
    assert block, f"the level {LEVEL} is public in the data"
    escalation.write_text(text[:block.start()] + block[0].replace("visibility: public", "visibility: internal")
                          + text[block.end():], encoding="utf-8")
    return legal, escalation


def test_a_public_path_may_not_depend_on_an_internal_rule_or_level(data_copy, check):
    legal, escalation = make_internal(data_copy)
    ds, _ = load_dataset(data_copy)
    rule, level = ds.legal[RULE], ds.levels[LEVEL]
    doc, _ = load(escalation, str(escalation))
    expected = []
    for p, path in enumerate(doc.data["paths"]):
        if path.get("visibility") != "public":
            continue
        for o, outcome in enumerate(path["outcomes"]):
            at = ("paths", p, "outcomes", o)
            if outcome.get("level") == LEVEL:
                expected.append(f"{escalation}:{doc.line(at + ('level',))}: {format_path(at + ('level',))}: den "
                                f"offentlige vej »{path['title']}« henviser til niveauet »{level.name}« "
                                f"({level.origin.file}:{level.origin.line}), som er internt. Gør niveauet offentligt "
                                "(visibility: public), eller fjern henvisningen.")
            for i, rule_id in enumerate(outcome.get("legal", [])):
                if rule_id == RULE:
                    expected.append(f"{escalation}:{doc.line(at + ('legal', i))}: {format_path(at + ('legal', i))}: "
                                    f"den offentlige vej »{path['title']}« henviser til lovreglen »{rule.title}« "
                                    f"({rule.origin.file}:{rule.origin.line}), som er intern. Gør reglen offentlig "
                                    "(visibility: public), eller fjern henvisningen.")
    assert len(expected) >= 4, "the default data reaches both from public paths"
    code, output = check(data_copy)
    assert code == 1
    assert sorted(line for line in error_lines(output) if line.startswith(f"{escalation}:")) == sorted(expected)


def test_the_public_edition_drops_an_internal_rule_or_level_even_past_the_check(data_copy):
    """Defence in depth: the gate asks whether a referenced record may be shown; the internal edition shows it."""
    make_internal(data_copy)
    ds, problems = load_dataset(data_copy)
    assert ds is not None and problems
    rule, level = ds.legal[RULE], ds.levels[LEVEL]
    # The name "Foregribende" also starts a public term; the act itself (rule.law) may be cited as the source of a
    # public term, so the rule's own words stand for it.
    secret = (rule.title, rule.quote, rule.summary, level.urgency, level.aim)
    public, internal = plan_view(ds, PUBLIC), plan_view(ds, INTERNAL)
    results = [r for p in public.paths for r in p.results]
    assert results and not any(rule.title in r.legal or r.level == level.name or r.urgency == level.urgency
                               for r in results)
    links = {"citizen": "../", "pdf": "../beredskab.pdf", "pdf_facts": "PDF"}
    for html in (document(public, for_pdf=True), document(public, for_pdf=False, links=links)):
        assert not [s for s in secret if s in html]
    assert any(rule.title in r.legal for p in internal.paths for r in p.results)
    assert any(r.urgency == level.urgency for p in internal.paths for r in p.results)


def test_a_public_outcome_without_its_internal_level_still_shows_its_other_rules(data_copy):
    """Dropping is per reference: the public rules of the same outcome stay."""
    make_internal(data_copy)
    ds, _ = load_dataset(data_copy)
    public = plan_view(ds, PUBLIC)
    shown = {title for p in public.paths for r in p.results for title in r.legal}
    assert ds.legal["underretningspligt"].title in shown


def test_the_default_data_needs_no_change(tmp_path, check):
    """Every municipality's public paths reference only public rules and levels today."""
    from conftest import MUNICIPALITIES

    for name, folder in MUNICIPALITIES.items():
        copy = tmp_path / name
        shutil.copytree(folder, copy)
        _, output = check(copy)
        assert not [line for line in error_lines(output) if "som er intern" in line], name


def test_the_citizen_page_links_the_duty_to_notify_only_while_it_is_public(data_copy, tmp_path):
    from macros.citizen.page import build_public
    from macros.citizen.view import DUTY_TO_NOTIFY, public_view

    ds, _ = load_dataset(data_copy)
    rule = ds.legal[DUTY_TO_NOTIFY]
    assert public_view(ds).duty is not None, "the default data links it"
    ds.legal[DUTY_TO_NOTIFY] = dataclasses.replace(rule, visibility="internal")
    assert public_view(ds).duty is None
    build_public(ds, tmp_path / "public")
    page = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert rule.title not in page
