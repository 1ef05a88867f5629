"""`infohus directory ROOT --out DIR`: the national overview, its HSDS 3.0 export and the rows as JSON.

Most tests run over 8 generated municipalities (bench/generate.py: every variant the generator makes: a
draft, an overdue revision, a topic covered elsewhere, an out-of-hours duty), one of them broken; one test
runs over all 98 and looks at the page in Chromium.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import ROOT, TODAY

sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402

HSDS = Path(__file__).parent / "fixtures" / "hsds" / "schema"
HSDS_BASE = "https://openreferral.org/hsds/3.0/schema/"  # only a name: the registry below never fetches
INFOHUS = Path(sys.executable).parent / "infohus"
FEW = 8
BROKEN = "frederiksberg"  # the second name in national.yml


def run_directory(root: Path, out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(INFOHUS), "directory", str(root), "--out", str(out)], cwd=root.parent, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def few(tmp_path_factory) -> dict:
    """8 generated municipalities, one broken, and the directory made of them."""
    base = tmp_path_factory.mktemp("directory")
    root = base / "kommuner"
    folders = generate.generate(root, FEW)
    line = generate.break_municipality(root / BROKEN)
    _plant_secrets(root / "koebenhavn")
    out = base / "oversigt"
    done = run_directory(root, out)
    return {"root": root, "folders": folders, "line": line, "out": out, "done": done,
            "rows": json.loads((out / "kommuner.json").read_text(encoding="utf-8"))["kommuner"],
            "hsds": json.loads((out / "hsds.json").read_text(encoding="utf-8"))}


# What no output may show: an internal contact's name, direct line, e-mail and note, and a public contact's
# internal phone.
SECRETS = ("Eksempel: Hemmelig Hansen", "72 39 99 99", "+4572399999", "hemmelig.hansen@koebenhavn.example.org",
           "Intern note om Hansen", "72 39 88 88", "72398888", "Direkte linje (intern)")


def _plant_secrets(folder: Path) -> None:
    contacts = folder / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    public = "  - id: infohus-koebenhavn\n"
    assert public in text
    start = text.index(public)
    phones = text.index("    phones:\n", start) + len("    phones:\n")
    text = text[:phones] + ('      - number: "72 39 88 88"\n        label: Direkte linje (intern)\n'
                            "        visibility: internal\n") + text[phones:]
    text += """
  - id: hemmelig
    name: "Eksempel: Hemmelig Hansen"
    title: Medarbejder i SSP
    organisation: ssp
    phones:
      - number: "72 39 99 99"
        label: Direkte linje
    email: hemmelig.hansen@koebenhavn.example.org
    visibility: internal
    internal_note: Intern note om Hansen
    example: true
    verified:
      on: 2026-11-01
      by: "Eksempel: SSP-koordinator"
    source:
      doc: eksempeldata
"""
    contacts.write_text(text, encoding="utf-8")


def _text_of(path: Path) -> str:
    from bs4 import BeautifulSoup

    words = " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())
    return re.sub(r" ([),.:;])", r"\1", words)  # the separator get_text puts between an element and its punctuation


def test_every_municipality_has_a_row_and_the_broken_one_its_first_error(few, check):
    done, rows = few["done"], few["rows"]
    assert done.returncode == 1, done.stderr
    assert done.stdout == f"Oversigt over {FEW} kommuner bygget: {few['out']} (1 med fejl i data).\n"
    assert [r["mappe"] for r in rows] == sorted(f.name for f in few["folders"])  # Danish order of the names
    code, output = check(few["root"] / BROKEN)
    first = next(line for line in output.splitlines() if line.startswith(str(few["root"] / BROKEN)))
    expected = first.replace(str(few["root"].parent) + "/", "", 1)
    assert expected.startswith(f"kommuner/{BROKEN}/contacts.yml:{few['line']}: ")
    broken = next(r for r in rows if r["mappe"] == BROKEN)
    assert broken == {"mappe": BROKEN, "kommune": "Frederiksberg Kommune", "status": "data har fejl",
                      "fejl": {"fil": f"kommuner/{BROKEN}/contacts.yml", "linje": few["line"]}}
    assert done.stderr == f"Frederiksberg Kommune: data har fejl: {expected}\n"
    page = _text_of(few["out"] / "index.html")
    assert f"Frederiksberg Kommune data har fejl Første fejl: kommuner/{BROKEN}/contacts.yml:{few['line']} (kør " \
        "infohus check på mappen for at se den)" in page
    for r in rows:
        assert r["kommune"] in page
    assert sum(r["status"] != "data har fejl" for r in rows) == FEW - 1
    assert f"{FEW} kommuner pr. 1. december 2026" in page and "6 vedtaget, 1 udkast, 1 med overskredet revision, 1 med fejl i data" in page


def test_the_rows_say_adopted_draft_overdue_and_where_a_topic_is_covered(few):
    rows = {r["mappe"]: r for r in few["rows"]}
    page = _text_of(few["out"] / "index.html")
    # The generator's variants: the 4th (Brøndby) overdue with a duty, the 5th (Dragør) a draft, the 7th
    # (Gladsaxe) with a topic elsewhere; the 3rd (Ballerup) none of them.
    broendby, dragoer, gladsaxe = rows["broendby"], rows["dragoer"], rows["gladsaxe"]
    assert broendby["revision_overskredet"] is True and broendby["naeste_revision"] == "2025-03-05"
    assert "5. marts 2025 overskredet" in page
    assert broendby["uden_for_aabningstid"] == ["Socialvagten (eksempel)"]
    assert "Socialvagten (eksempel) 72 31 00 04" in page
    assert dragoer["status"] == "udkast" and dragoer["vedtaget"] is None and dragoer["moede"] == "2027-01-06"
    assert "Dragør Kommune udkast (eksempel) alle tre emner ikke endnu (møde 6. januar 2027)" in page
    assert all(r["eksempel"] is True for r in rows.values() if r["status"] != "data har fejl")  # as the data says
    assert [t["emne"] for t in gladsaxe["emner"]] == ["extremism", "social_control"]
    assert gladsaxe["andre_planer"] == [{"emne": "honour", "navn": "æresrelaterede konflikter",
                                         "adresse": "https://gladsaxe.example.org/plan-om-aeresrelaterede-konflikter",
                                         "titel": None, "partnere": []}]
    assert "æresrelaterede konflikter i særskilt plan" in page
    ballerup = rows["ballerup"]
    assert ballerup["indgange"] == [{
        "navn": "Infohus Ballerup", "emner": ["extremism", "social_control", "honour"], "alder": "alle aldre",
        "min_alder": None, "max_alder": None, "aabningstid": "mandag–fredag kl. 08–15",
        "telefoner": [{"nummer": "72 30 00 03", "tel": "tel:+4572300003", "tekst": "Hovednummer (eksempel)"}],
        "email": "eksempel.infohus@ballerup.example.org", "web": None}]
    assert ballerup["uden_for_aabningstid"] == [] and ballerup["akut"] == {"navn": "Alarm 112", "telefon": "112"}
    assert "Infohus Ballerup 72 30 00 03 mandag–fredag kl. 08–15" in page
    assert "ingen lokal i data; akut: 112" in page


def _validator(schema: str) -> Draft202012Validator:
    resources = [(HSDS_BASE + p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8")),
                                                             default_specification=DRAFT202012))
                 for p in sorted(HSDS.glob("*.json"))]
    registry = Registry().with_resources(resources)  # no retrieve: a reference outside it fails, never fetches
    return Draft202012Validator({"$ref": HSDS_BASE + schema}, registry=registry,
                                format_checker=FormatChecker())


def test_the_hsds_export_is_valid_against_the_hsds_3_schemas(few):
    services = few["hsds"]
    validator = _validator("service.json")
    assert len(services) == FEW - 1 + 2  # one entry per municipality without errors, and two duties (4th, 8th)
    for service in services:
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(service)]
        assert problems == [], service["name"]
        organization = _validator("organization.json")
        assert list(organization.iter_errors(service["organization"])) == []
    # Negative control: the validator sees a broken service (no status, an id that is no UUID, a bad schedule).
    bad = {**services[0], "id": "infohus-ballerup", "schedules": [{"id": "x", "freq": "DAILY"}]}
    del bad["status"]
    found = {e.message for e in validator.iter_errors(bad)}
    assert "'status' is a required property" in found
    assert "'infohus-ballerup' is not a 'uuid'" in found and "'DAILY' is not one of ['WEEKLY', 'MONTHLY']" in found


def test_hsds_ids_are_stable_uuid5_and_each_service_says_what_it_is(few, tmp_path):
    services = few["hsds"]
    ids = [s["id"] for s in services] + [p["id"] for s in services for p in s["phones"]] + \
        [x["id"] for s in services for x in s["schedules"]]
    assert len(ids) == len(set(ids)) and {uuid.UUID(i).version for i in ids} == {5}
    again = run_directory(few["root"], tmp_path / "again")
    assert again.returncode == 1
    assert (tmp_path / "again" / "hsds.json").read_bytes() == (few["out"] / "hsds.json").read_bytes()
    ballerup = next(s for s in services if s["name"] == "Infohus Ballerup")
    assert ballerup["organization"]["name"] == "Ballerup Kommune"
    assert ballerup["organization_id"] == ballerup["organization"]["id"]
    assert [p["number"] for p in ballerup["phones"]] == ["72 30 00 03"]
    assert [a["taxonomy_term"]["code"] for a in ballerup["attributes"]] == ["extremism", "social_control", "honour"]
    assert ballerup["service_areas"][0]["name"] == "Ballerup Kommune"
    assert ballerup["assured_date"] == "2026-11-01" and "alert" not in ballerup
    dragoer = next(s for s in services if s["name"] == "Infohus Dragør")
    assert dragoer["alert"] == "Beredskabet er et udkast, som endnu ikke er vedtaget."


def test_hsds_times_carry_copenhagens_offset_for_each_period_of_summer_and_winter_time(few):
    ballerup = next(s for s in few["hsds"] if s["name"] == "Infohus Ballerup")
    periods = [(s["valid_from"], s["valid_to"], s["timezone"], s["opens_at"], s["closes_at"], s["byday"])
               for s in ballerup["schedules"]]
    assert periods == [
        ("2026-12-01", "2027-03-27", 1, "08:00+01:00", "15:00+01:00", "MO,TU,WE,TH,FR"),
        ("2027-03-28", "2027-10-30", 2, "08:00+02:00", "15:00+02:00", "MO,TU,WE,TH,FR"),
        ("2027-10-31", "2027-12-01", 1, "08:00+01:00", "15:00+01:00", "MO,TU,WE,TH,FR"),
    ]
    zone = ZoneInfo("Europe/Copenhagen")

    def offset(day: str, clock: str) -> str:
        moment = datetime.combine(date.fromisoformat(day), time(0), zone) + timedelta(days=1) if clock == "24:00" \
            else datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), zone)
        return f"+{int(moment.utcoffset().total_seconds() // 3600):02d}:00"

    for s in (x for service in few["hsds"] for x in service["schedules"]):
        for day in (s["valid_from"], s["valid_to"]):  # each stated offset is Copenhagen's, on both ends
            assert s["opens_at"][5:] == offset(day, s["opens_at"][:5]), s
            assert s["closes_at"][5:] == offset(day, s["closes_at"][:5]), s
        assert s["opens_at"].endswith(f"+{s['timezone']:02d}:00")
    # A line open round the clock: on the nights of the switch it opens at one offset and closes at the other.
    duty = next(s for s in few["hsds"] if s["name"] == "Socialvagten (eksempel)")
    assert [(s["valid_from"], s["valid_to"], s["opens_at"], s["closes_at"]) for s in duty["schedules"]] == [
        ("2026-12-01", "2027-03-27", "00:00+01:00", "24:00+01:00"),
        ("2027-03-28", "2027-03-28", "00:00+01:00", "24:00+02:00"),
        ("2027-03-29", "2027-10-30", "00:00+02:00", "24:00+02:00"),
        ("2027-10-31", "2027-10-31", "00:00+02:00", "24:00+01:00"),
        ("2027-11-01", "2027-12-01", "00:00+01:00", "24:00+01:00"),
    ]


def test_no_internal_record_reaches_any_of_the_three_files(few):
    files = {name: (few["out"] / name).read_text(encoding="utf-8") for name in ("index.html", "hsds.json", "kommuner.json")}
    assert "Infohus København" in files["index.html"] and "72 30 00 01" in files["hsds.json"]  # the public entry is
    # The broken municipality's error quotes an internal contact's number: only its file and line are public.
    leaks = [(name, secret) for name, text in files.items() for secret in (*SECRETS, generate.BROKEN_NUMBER)
             if secret in text]
    assert leaks == []
    # Nor any generated example person, their e-mails or a verifier, in any municipality.
    import yaml
    for folder in few["folders"]:
        for c in yaml.safe_load((folder / "contacts.yml").read_text(encoding="utf-8"))["contacts"]:
            if c.get("visibility") != "public":
                for secret in (c["name"], c.get("email"), c.get("internal_note")):
                    assert not secret or all(secret not in text for text in files.values()), secret
            assert all(c["verified"]["by"] not in text for text in files.values())


def test_the_national_data_is_read_once_for_all_municipalities(few, tmp_path, monkeypatch, capsys):
    from macros import build
    from macros.model import dataset

    reads = []
    real = dataset.Collector.load_folder
    monkeypatch.setattr(dataset.Collector, "load_folder",
                        lambda self, folder, scope: (reads.append(scope), real(self, folder, scope))[1])
    assert build.build_directory(few["root"], tmp_path / "out") == 1
    assert reads.count("national") == 1 and reads.count("municipality") == FEW


def test_out_is_replaced_only_when_it_is_an_earlier_directory(few, tmp_path):
    out = tmp_path / "oversigt"
    out.mkdir()
    (out / "egen.txt").write_text("min fil", encoding="utf-8")
    done = run_directory(few["root"], out)
    assert done.returncode == 2
    assert done.stderr == (f"infohus: Mappen \"{out}\" indeholder andre filer og er ikke et tidligere infohus-byg. "
                           "Vælg en ny eller tom mappe, fx --out site.\n")
    assert sorted(p.name for p in out.iterdir()) == ["egen.txt"]
    fresh = tmp_path / "ny"
    assert run_directory(few["root"], fresh).returncode == 1
    assert run_directory(few["root"], fresh).returncode == 1  # an earlier directory: replaced
    assert sorted(p.name for p in fresh.iterdir()) == [".infohus-build", "hsds.json", "index.html", "kommuner.json"]


def test_a_missing_root_is_one_danish_sentence(tmp_path):
    done = run_directory(tmp_path / "findes-ikke", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr == (f"infohus: mappen \"{tmp_path / 'findes-ikke'}\" findes ikke. Angiv mappen med kommunernes "
                           "datamapper, fx infohus directory data --out oversigt.\n")
    (tmp_path / "tom").mkdir()
    done = run_directory(tmp_path / "tom", tmp_path / "out")
    assert done.returncode == 2 and "der er ingen kommunemapper i" in done.stderr


def test_98_municipalities_make_a_small_clean_page_that_works_with_and_without_javascript(tmp_path):
    from support import web

    root = tmp_path / "kommuner"
    generate.generate(root)
    out = tmp_path / "oversigt"
    done = run_directory(root, out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Oversigt over 98 kommuner bygget: {out}.\n"
    page = out / "index.html"
    assert page.stat().st_size <= 100 * 1024
    assert web.vnu_errors([page]) == []
    with web.serve(out) as base, web.chromium() as browser:
        tab = web.new_page(browser, width=1280)
        requests = web.record_requests(tab)
        tab.goto(base + "index.html")
        assert web.format_violations(web.axe_violations(tab)) == ""
        assert tab.locator("tbody tr").count() == 98
        tab.fill("#ih-dir-q", "Aarhus")
        assert tab.locator("#ih-dir-count").inner_text() == "1 af 98 kommuner vises."
        assert tab.locator("tbody tr:visible th").all_inner_texts() == ["Aarhus Kommune"]
        tab.fill("#ih-dir-q", "")
        tab.get_by_role("button", name="Næste revision").click()
        assert tab.locator("thead th").nth(4).get_attribute("aria-sort") == "ascending"
        first = tab.locator("tbody tr").first.locator("td").nth(3).get_attribute("data-k")
        assert first == min(tab.locator("tbody td:nth-of-type(4)").evaluate_all("cells => cells.map(c => c.dataset.k)"))
        assert web.format_violations(web.axe_violations(tab)) == ""
        assert web.foreign_requests(requests, base) == []
        for width in (360, 1280):
            shot = web.new_page(browser, width=width)
            shot.goto(base + "index.html")
            assert shot.evaluate("document.documentElement.scrollWidth") <= width
            assert shot.get_by_role("button", name="Næste revision").is_visible()  # sortable on a phone too
            shot.screenshot(path=str(tmp_path / f"oversigt-{width}.png"), clip={"x": 0, "y": 0, "width": width,
                                                                             "height": 1600})
        plain = web.new_page(browser, javascript=False, width=360)
        plain.goto(base + "index.html")
        assert plain.locator(".ih-dir__search").is_hidden() and plain.locator("tbody tr:visible").count() == 98
        assert plain.locator(".ih-dir__sort-hint").is_hidden() and plain.locator("thead button").count() == 0
