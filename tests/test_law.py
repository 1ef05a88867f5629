"""The law in `infohus check` (Barnets lov § 15, stk. 3) and national facts that are current and sourced."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from conftest import ROOT, TODAY, error_lines, warning_lines
from macros.model.dataset import load_dataset
from macros.model.loader import load

NATIONAL = ROOT / "data" / "national"
ALL_TOPICS = "topics: [extremism, social_control, honour]"


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def national(kind: str) -> list[dict]:
    """The records of a national file as plain data, read as infohus reads it (YAML 1.2 scalars)."""
    doc, problems = load(NATIONAL / f"{kind}.yml", kind)
    assert not problems, problems
    return doc.data[kind]


# -- § 15, stk. 3 as rules ------------------------------------------------------------------------------

def test_a_missing_topic_is_a_warning_that_names_the_law_and_under_strict_an_error(check, data_copy):
    edit(data_copy, "municipality.yml", ALL_TOPICS, "topics: [extremism, social_control]")
    code, out = check(data_copy)
    assert code == 0
    law = [line for line in warning_lines(out) if "municipality.topics" in line]
    assert law == [f"{data_copy / 'municipality.yml'}:45: municipality.topics: beredskabet dækker ikke "
                   "æresrelaterede konflikter. Barnets lov § 15, stk. 3 kræver et beredskab mod »negativ social "
                   "kontrol, æresrelaterede konflikter og ekstremisme«. Tilføj honour under topics, eller skriv "
                   "under covered_elsewhere, hvor kommunens særskilte plan for emnet findes (fx honour: "
                   "https://kommune.dk/plan)."]
    code, out = check(data_copy, "--strict")
    assert code == 1 and any("beredskabet dækker ikke æresrelaterede konflikter" in line for line in error_lines(out))


def test_a_topic_covered_in_a_separate_plan_meets_the_law_and_is_linked(check, data_copy, tmp_path):
    edit(data_copy, "municipality.yml", ALL_TOPICS, "topics: [extremism, social_control]\n  covered_elsewhere:\n"
         "    honour: https://hjoerring.dk/plan-mod-aeresrelaterede-konflikter/")
    code, out = check(data_copy)
    assert code == 0 and not [line for line in warning_lines(out) if "dækker ikke" in line]
    ds, _ = load_dataset(data_copy)
    plan = ds.municipality.covered_elsewhere["honour"]
    assert list(ds.municipality.covered_elsewhere) == ["honour"]
    assert (plan.url, plan.title, plan.partners) == ("https://hjoerring.dk/plan-mod-aeresrelaterede-konflikter/", None, ())
    from macros.citizen.page import build_public

    build_public(ds, tmp_path / "public")
    page = (tmp_path / "public" / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")  # as read
    assert 'href="https://hjoerring.dk/plan-mod-aeresrelaterede-konflikter/"' in page
    assert "Om æresrelaterede konflikter: se" in " ".join(page.split())


def test_a_topic_both_covered_and_covered_elsewhere_is_an_error(check, data_copy):
    edit(data_copy, "municipality.yml", ALL_TOPICS, ALL_TOPICS + "\n  covered_elsewhere:\n    honour: https://x.dk/plan")
    code, out = check(data_copy)
    assert code == 1
    assert any("municipality.covered_elsewhere.honour: æresrelaterede konflikter står både under topics og under "
               "covered_elsewhere." in line for line in error_lines(out))


def test_an_adoption_by_anyone_but_the_council_is_a_warning(check, data_copy):
    edit(data_copy, "municipality.yml", "adopted_by: Byrådet i Hjørring Kommune", "adopted_by: Direktionen")
    _, out = check(data_copy)
    assert any('municipality.governance.adopted_by: "Direktionen" er ikke en kommunalbestyrelse. Barnets lov § 15, '
               'stk. 3: beredskabet skal »vedtages af kommunalbestyrelsen«.' in line for line in warning_lines(out))
    for council in ("Kommunalbestyrelsen i Halsnæs Kommune", "Borgerrepræsentationen", "Byrådet i Hjørring Kommune"):
        edit(data_copy, "municipality.yml", "adopted_by: Direktionen", f"adopted_by: {council}")
        _, out = check(data_copy)
        assert not [line for line in warning_lines(out) if "er ikke en kommunalbestyrelse" in line], council
        edit(data_copy, "municipality.yml", f"adopted_by: {council}", "adopted_by: Direktionen")


def test_the_revision_may_be_four_years_after_the_adoption_to_the_day_and_not_one_day_more(check, data_copy):
    _, out = check(data_copy)  # adopted 2026-06-24, revised by 2030-06-24: exactly four years
    assert not [line for line in error_lines(out) if "next_revision" in line]
    edit(data_copy, "municipality.yml", "next_revision: 2030-06-24", "next_revision: 2030-06-25")
    _, out = check(data_copy)
    assert any("Sæt next_revision til senest 2030-06-24." in line for line in error_lines(out))


def test_four_years_after_29_february_is_28_february_when_that_year_has_none():
    from datetime import date

    from macros.model.municipality import four_years_after

    assert four_years_after(date(2024, 2, 29)) == date(2028, 2, 29)
    assert four_years_after(date(2096, 2, 29)) == date(2100, 2, 28)  # 2100 is not a leap year


def test_the_address_where_the_plan_is_published_must_be_set(check, data_copy):
    edit(data_copy, "municipality.yml", "    beredskab: https://hjoerring.dk/infohus/beredskab/\n", "")
    code, out = check(data_copy)
    assert code == 1
    assert any('municipality.urls: feltet "beredskab" mangler (Adressen, hvor det vedtagne beredskab offentliggøres'
               in line and "Barnets lov § 15, stk. 3" in line for line in error_lines(out))


def test_a_covered_topic_without_a_public_helpline_is_an_error(check, data_copy):
    folder = data_copy.parent / "national"
    shutil.copytree(NATIONAL, folder)
    edit(folder, "contacts.yml", "    topics: [honour]\n", "    topics: [social_control]\n")  # the foreign ministry
    edit(folder, "contacts.yml", "    topics: [social_control, honour]\n", "    topics: [social_control]\n")
    edit(folder, "contacts.yml", "    topics: [social_control, honour]\n", "    topics: [social_control]\n")
    code, out = check(data_copy)
    assert code == 1
    assert f"{data_copy / 'contacts.yml'}:1: contacts: der er ingen offentlig rådgivningslinje med telefonnummer for " \
           "æresrelaterede konflikter, så borgersiden og handlekortene kan ikke vise en." in " ".join(error_lines(out))


# -- certainty and freshness ------------------------------------------------------------------------------

def test_a_fact_the_sources_could_not_confirm_is_a_warning_until_it_is_checked(check, data_copy):
    _, out = check(data_copy, "--national")
    unconfirmed = [line for line in warning_lines(out) if "ikke bekræftet i kilderne" in line]
    # The one national fact that stands open: 114's opening hours (no politi.dk source was found).
    assert len(unconfirmed) == 1
    assert "data/national/contacts.yml" in unconfirmed[0] and "contacts[1].unconfirmed" in unconfirmed[0]
    assert "114's åbningstid" in unconfirmed[0] and "opdatér infohus" in unconfirmed[0]
    edit(data_copy, "contacts.yml", "    example: true\n    verified:\n      on: 2026-11-01\n      by: \"Eksempel: "
         "SSP-koordinator\"\n    source:\n      doc: hjoerring-handlingsplan-2018\n      section: \"3.1\"",
         "    example: true\n    unconfirmed: Nummeret er ikke ringet op.\n    verified:\n      on: 2026-11-01\n"
         "      by: \"Eksempel: SSP-koordinator\"\n    source:\n      doc: hjoerring-handlingsplan-2018\n"
         "      section: \"3.1\"")
    _, out = check(data_copy)
    assert any("contacts[0].unconfirmed: ikke bekræftet i kilderne: Nummeret er ikke ringet op. Tjek det, og slet "
               "linjen unconfirmed." in line and "opdatér infohus" not in line for line in warning_lines(out))


def test_a_national_fact_not_checked_within_the_national_interval_asks_to_update_infohus(check, data_copy, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", "2027-12-02")  # 366 days after the national facts were checked
    _, out = check(data_copy, "--national")
    old = [line for line in warning_lines(out) if "Opdatér infohus, så de nationale oplysninger er nye." in line]
    assert any("data/national/contacts.yml" in line and "(366 dage siden; grænsen er 365 dage)" in line for line in old)
    assert any("data/national/legal.yml" in line for line in old)
    assert any("data/national/definitions.yml" in line for line in old)
    assert any("data/national/organisations.yml" in line for line in old)
    # A national contact is never the coordinator's to confirm: no error, even under --strict.
    code, out = check(data_copy, "--strict")
    assert not [line for line in error_lines(out) if "data/national/" in line]
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    _, out = check(data_copy, "--national")
    assert not [line for line in warning_lines(out) if "Opdatér infohus, så" in line]


# -- the national facts themselves ------------------------------------------------------------------------

def test_no_record_names_ncfe_as_a_current_body():
    for kind in ("definitions", "organisations", "contacts", "legal"):
        for record in national(kind):
            current = {k: v for k, v in record.items() if k not in ("formerly", "synonyms")}
            text = yaml.safe_dump(current, allow_unicode=True)
            for name in ("NCFE", "Nationalt Center for Forebyggelse af Ekstremisme"):
                for hit in re.finditer(re.escape(name), text):
                    around = text[max(0, hit.start() - 60): hit.end() + 40]
                    assert "tidligere" in around, f"{kind} {record['id']} names {name} as current: {around!r}"
    names = {o["id"]: o for o in national("organisations")}
    assert names["cde"]["name"] == "Center for Dokumentation og Indsats mod Ekstremisme"
    # CDE was formed in 2022 by merging two bodies: not NCFE renamed, so NCFE is no former name of it.
    assert "formerly" not in names["cde"] and "sammenlægning" in names["cde"]["description"]
    assert names["maerk"]["short"] == "MÆRK" and names["maerk"]["url"] == "https://nc-maerk.dk"


def test_laws_link_the_consolidated_act_never_an_original_one():
    originals = ("eli/lta/2023/721", "eli/lta/2010/1549")
    for rule in national("legal"):
        assert not any(o in rule["url"] for o in originals), rule["id"]
        assert rule["act"] and rule["quote"] and rule["verified"]["on"], rule["id"]
        if rule["law"] == "Barnets lov":
            assert rule["url"] == "https://www.retsinformation.dk/eli/lta/2025/282"
            assert rule["act"] == "LBK nr. 282 af 17. marts 2025"
        if rule["law"] == "Retsplejeloven":
            assert rule["url"] == "https://www.retsinformation.dk/eli/lta/2025/1298"
            assert rule["act"] == "LBK nr. 1298 af 7. november 2025"
        if rule["law"] == "Straffeloven":
            assert rule["url"] == "https://www.retsinformation.dk/eli/lta/2025/1294"
            assert rule["act"] == "LBK nr. 1294 af 7. november 2025"
    sources = {s["id"]: s for s in national("sources")}
    assert not any(o in s.get("url", "") for s in sources.values() for o in originals)
    sections = {r["id"]: r["section"] for r in national("legal")}
    # § 134 of LBK 282/2025 stops the child benefit after unlawful school absence; anyone's duty is § 135.
    assert sections["underretningspligt-alle"].startswith("§ 135 ") and "134" not in sections["underretningspligt-alle"]
    assert "indberetning-udlaendingestyrelsen" not in sections, "the reporting duty is about benefits, not concerns"


def test_every_national_record_cites_a_source_a_reader_can_open_and_a_verified_date():
    sources = {s["id"]: s for s in national("sources")}
    editorial = {sid for sid, s in sources.items() if s.get("publisher") == "Infohus-redaktionen"}
    for kind in ("contacts", "legal", "definitions", "organisations"):
        for record in national(kind):
            assert record["verified"]["on"] and record["verified"]["by"], f"{kind} {record['id']}"
            doc = record["source"]["doc"]
            assert doc in sources, f"{kind} {record['id']} cites {doc}"
            assert doc in editorial or sources[doc].get("url", "").startswith("https://"), f"{kind} {record['id']}"
    for record in national("definitions"):
        assert record["source"]["doc"] not in editorial, f"definition {record['id']} has no public source"


def test_the_helplines_for_each_topic_are_as_their_own_pages_give_them():
    contacts = {c["id"]: c for c in national("contacts")}
    expected = {
        "hotline": ("41 74 90 90", ["extremism"], True),
        "red-raadgivning": ("70 27 76 66", ["social_control", "honour"], True),
        "bornetelefonen": ("116 111", ["social_control", "honour"], True),
        "um-borgerservice": ("+45 33 92 11 12", ["honour"], False),
    }
    for cid, (number, topics, anonymous) in expected.items():
        contact = contacts[cid]
        assert contact["roles"] == ["helpline"] and contact["topics"] == topics, cid
        assert contact["phones"][0]["number"] == number and contact.get("anonymous", False) is anonymous, cid
        assert contact["visibility"] == "public", cid
    assert "hours" not in contacts["red-raadgivning"], "RED's own page gives no opening hours: none is printed"
    assert "70 27 76 86" not in yaml.safe_dump(contacts["red-raadgivning"]["phones"])
    assert "phones" not in contacts["sikkerhedskonsulenter"], "regional numbers: the page is linked, no number printed"
    assert contacts["sikkerhedskonsulenter"]["url"] == "https://nc-maerk.dk/raadgivningstilbud/sikkerhedskonsulenterne/"


def test_the_handbook_shows_the_laws_own_words_beside_the_summary(built_site):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built_site / "intranet" / "lovgrundlag" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    for rule in national("legal"):
        section = page.find(id=rule["id"]).find_parent("section")
        quote = " ".join(section.select_one(".ih-law__quote blockquote").get_text().split())
        assert quote == " ".join(rule["quote"].split()), rule["id"]
        assert " ".join(rule["summary"].split()) in " ".join(section.select_one(".ih-law__summary").get_text().split())
        assert rule["act"] in section.get_text() and section.select_one(f'a[href="{rule["url"]}"]')
        assert bool(section.select_one(".ih-mark--unconfirmed")) == ("unconfirmed" in rule), rule["id"]


def test_a_beredskab_not_yet_adopted_is_a_draft_with_its_meeting_date(check, data_copy):
    """A future adoption date is an error, unless the data says the beredskab is a draft for that meeting:
    then a warning (an error under --strict), and the cover says "Udkast til vedtagelse"."""
    edit(data_copy, "municipality.yml", "adopted_on: 2026-06-24", "adopted_on: 2027-01-14")
    edit(data_copy, "municipality.yml", "next_revision: 2030-06-24", "next_revision: 2031-01-14")
    code, out = check(data_copy)
    assert code == 1
    assert any("vedtagelsesdatoen 2027-01-14 ligger i fremtiden" in line and '"draft: true"' in line
               for line in error_lines(out))
    edit(data_copy, "municipality.yml", "    adopted_on: 2027-01-14", "    draft: true\n    adopted_on: 2027-01-14")
    code, out = check(data_copy)
    assert code == 0 and not [line for line in error_lines(out) if "governance" in line]
    assert any("municipality.governance.draft: beredskabet er et udkast, som endnu ikke er vedtaget." in line
               for line in warning_lines(out))
    code, out = check(data_copy, "--strict")
    assert any("municipality.governance.draft" in line for line in error_lines(out))

    from macros.beredskab.view import PUBLIC, plan_view
    from macros.model.dataset import load_dataset

    view = plan_view(load_dataset(data_copy)[0], PUBLIC)
    assert view.status == "Udkast til vedtagelse" and view.planned == "14. januar 2027" and not view.adopted
