"""The coordinator's upkeep: what falls due (in the check and as a calendar), what changed since the last build
(in the terminal, on the coordinator page and the Ændringer page), every id the data can point at, the
handbook's fixed texts taken from the data, and a folder moved after `infohus new`."""
from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

from icalendar import Calendar

from conftest import DEFAULT_DATA, TODAY, error_lines, warning_lines
from macros.cards.content import card_views
from macros.cli import main
from macros.handbook.calendar import calendar
from macros.model.dataset import load_dataset


def build(data: Path, out: Path, capsys) -> str:
    assert main(["build", "--data", str(data), "--out", str(out)]) == 0
    return capsys.readouterr().out


def page(out: Path, name: str) -> str:
    """The visible text of a handbook page, white space collapsed."""
    html = (out / "intranet" / name / "index.html").read_text(encoding="utf-8")
    main_part = html[html.index("<article"):html.index("</article>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main_part).split())


# --- what changed since the last build ----------------------------------------------------------------

def test_a_changed_number_names_exactly_the_cards_that_show_that_contact(data_copy, tmp_path, capsys):
    out = tmp_path / "site"
    first = build(data_copy, out, capsys)
    assert "Ændret siden sidste byg" not in first
    assert "Der var intet tidligere byg" in page(out, "koordinator")

    again = build(data_copy, out, capsys)
    assert "Ændret siden sidste byg" not in again, "the same data changes nothing"
    assert ("Ingen: handlekortene, arket, beredskabets PDF'er, borgersiderne og vCards viser det samme som ved "
            "sidste byg.") in page(out, "koordinator")

    contacts = data_copy / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    block = text[text.index("  - id: ssp-konsulent"):]
    block = block[:block.index("\n  - id:", 1)]
    assert block.count('number: "72 33 33 33"') == 1
    contacts.write_text(text.replace(block, block.replace('"72 33 33 33"', '"98 76 54 32"')), encoding="utf-8")
    ds, _ = load_dataset(data_copy)
    showing = {v.card.title for v in card_views(ds) if "ssp-konsulent" in {c.id for c in v.contacts}}
    assert 0 < len(showing) < len(card_views(ds)), "some cards show the SSP consultant, some do not"

    report = build(data_copy, out, capsys)
    lines = report.split("Ændret siden sidste byg:\n", 1)[1].split("Skal hentes igen", 1)[0].splitlines()
    assert lines[0] == "Skal genoptrykkes:" and all(line.startswith("  ") for line in lines[1:])
    card = re.compile(r"  Handlekortet »(.*)« \(intranet/handlekort/[^/)]+\.pdf\): ")
    named = {m[1] for line in lines if (m := card.match(line))}
    assert named == showing
    others = [line for line in lines[1:] if not line.startswith("  Handlekortet »")]
    assert [line.split(" (", 1)[0] for line in others] == ["  A4-arket med alle handlekort",
                                                            "  Beredskabet til kriseteamets mappe"]
    assert all(line.endswith("telefonnummeret for Eksempel: Anna Holm er ændret: 72 33 33 33 → 98 76 54 32.")
               for line in lines[1:])
    coordinator = page(out, "koordinator")
    assert all(f"Handlekortet »{title}« (intranet/handlekort/" in coordinator for title in showing)
    changes = page(out, "aendringer")
    assert all(f"»{title}«" in changes for title in showing)
    assert "Beredskabets versioner" in changes and "Handlingsplan for Infohus Hjørring (august 2018)" in changes


def test_a_changed_public_number_is_reported_for_the_citizen_page_and_the_beredskab(data_copy, tmp_path, capsys):
    out = tmp_path / "site"
    build(data_copy, out, capsys)
    contacts = data_copy / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    block = text[text.index("  - id: infohus-hjoerring"):]
    block = block[:block.index("\n  - id:", 1)]
    contacts.write_text(text.replace(block, block.replace('"72 33 33 33"', '"72 33 33 44"', 1)), encoding="utf-8")
    report = build(data_copy, out, capsys)
    republish = report.split("Skal offentliggøres igen:\n", 1)[1]
    assert ("  Borgersiden (public/index.html): telefonnummeret for Infohus Hjørring er ændret: "
            "72 33 33 33 → 72 33 33 44.\n") in republish
    assert "  Beredskabets PDF (public/beredskab.pdf): telefonnummeret for Infohus Hjørring er ændret" in republish
    assert "  Beredskabets webudgave (public/beredskab/index.html): telefonnummeret for Infohus Hjørring" in republish


# --- what falls due -------------------------------------------------------------------------------------

def test_the_calendar_has_one_event_per_due_item_with_the_dates_of_the_data(built_site, monkeypatch):
    monkeypatch.setenv("INFOHUS_TODAY", TODAY)
    ds, _ = load_dataset(DEFAULT_DATA)
    raw = (built_site / "intranet" / "frister.ics").read_bytes()
    calendar = Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    own = [c for c in ds.contacts.values() if not ds.is_national(c)]
    assert len(events) == len(own) + 1
    expected = {f"Bekræft kontakten »{c.name}«": c.verified.on + timedelta(days=ds.municipality.review_days)
                for c in own}
    expected["Revidér beredskabet"] = ds.municipality.governance.next_revision
    found = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert found == expected
    assert all(e.decoded("DTEND") == e.decoded("DTSTART") + timedelta(days=1) for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events), "every event has its own stable UID"
    assert b"\r\n" in raw and raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")  # RFC 5545 line ends


def draft_for(folder: Path, meeting: str) -> Path:
    """The data copy as a draft to be adopted at the council meeting on `meeting`."""
    path = folder / "municipality.yml"
    text = path.read_text(encoding="utf-8")
    assert "    adopted_on: 2026-06-24\n" in text
    path.write_text(text.replace("    adopted_on: 2026-06-24\n", f"    adopted_on: {meeting}\n    draft: true\n"),
                    encoding="utf-8")
    return path


def test_a_drafts_council_meeting_is_due_in_the_check_and_the_calendar(data_copy, check):
    path = draft_for(data_copy, "2026-12-17")
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "draft: true" in row)
    _, out = check(data_copy)
    due = out.split("Forfalder de næste 30 dage:\n", 1)[1].splitlines()
    assert due[0] == (f"  17. december 2026: Byrådet i Hjørring Kommune skal vedtage beredskabet – "
                      f"{path}:{line}"), due
    ds, _ = load_dataset(data_copy)
    events = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in Calendar.from_ical(calendar(ds)).walk("VEVENT")}
    assert str(events["Byrådet i Hjørring Kommune skal vedtage beredskabet"]) == "2026-12-17"
    assert "Revidér beredskabet" in events


def test_a_draft_whose_meeting_has_passed_says_so(data_copy, check):
    path = draft_for(data_copy, "2026-11-25")
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "draft: true" in row)
    expected = (f"{path}:{line}: municipality.governance.draft: mødet 25. november 2026 er holdt, men beredskabet står "
                "stadig som udkast. Skriv vedtagelsen ind: slet linjen \"draft: true\", og ret adopted_on, hvis det "
                "blev vedtaget på en anden dag. Blev det ikke vedtaget, så skriv datoen for det næste møde under "
                "adopted_on.")
    _, out = check(data_copy)
    assert expected in warning_lines(out), out
    _, out = check(data_copy, "--strict")
    assert expected in error_lines(out), out


def test_the_check_ends_with_what_falls_due_within_30_days_earliest_first(data_copy, check, monkeypatch):
    _, out = check(data_copy)  # confirmed 1 November 2026, due after 180 days: nothing within 30 days
    assert "Forfalder de næste 30 dage" not in out and out.rstrip().endswith("Intet forfalder de næste 30 dage.")
    contacts = data_copy / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    assert text.count("on: 2026-11-01") >= 3
    contacts.write_text(text.replace("on: 2026-11-01", "on: 2026-06-10", 1), encoding="utf-8")  # due 7 December
    _, out = check(data_copy)
    due = out.split("Forfalder de næste 30 dage:\n", 1)[1].splitlines()
    assert due == [due[0]] and due[0].startswith("  7. december 2026: Bekræft kontakten »Eksempel: Anna Holm« – ")
    assert re.search(r"contacts\.yml:\d+$", due[0])
    monkeypatch.setenv("INFOHUS_TODAY", "2030-06-01")  # every confirmation is late, and the revision is near
    _, out = check(data_copy)
    due = out.split("Forfalder de næste 30 dage:\n", 1)[1].splitlines()
    assert due[0].startswith("  7. december 2026 (overskredet): Bekræft kontakten »Eksempel: Anna Holm«")
    assert due[-1].startswith("  24. juni 2030: Revidér beredskabet")
    assert all("(overskredet)" in line for line in due[:-1])


# --- ids, fixed texts, a moved folder ----------------------------------------------------------------

def test_the_coordinator_page_lists_every_id_the_data_can_point_at(built_site):
    text = page(built_site, "koordinator")
    assert "Id'er, du kan henvise til" in text
    for entry in ("alarm-112 Alarm 112", "politi-114", "hotline", "underretningspligt Barnets lov § 133",
                  "ssp-konsulent Eksempel: Anna Holm", "hjoerring-handlingsplan-2018", "opbyggende Opbyggende"):
        assert entry in text, entry
    assert "nationale data" in text and "kommunens data" in text


def test_the_scaffold_lists_the_national_ids_where_they_are_used(tmp_path, capsys):
    folder = tmp_path / "ny"
    assert main(["new", str(folder), "--name", "Odder Kommune"]) == 0
    escalation = (folder / "escalation.yml").read_text(encoding="utf-8")
    assert "# De nationale kontakter, du kan henvise til med id (id – hvad [emner]):" in escalation
    assert "#   alarm-112 – Alarm 112" in escalation and "#   underretningspligt – Barnets lov § 133" in escalation
    assert "#   politi – Politiet" in (folder / "contacts.yml").read_text(encoding="utf-8")
    assert "#   barnets-lov – Barnets lov" in (folder / "sources.yml").read_text(encoding="utf-8")


def test_the_front_page_names_the_forms_and_levels_the_data_has(data_copy, tmp_path, capsys):
    forms = data_copy / "forms.yml"
    text = forms.read_text(encoding="utf-8")
    assert "title: Bekymringsinterview\n" in text
    forms.write_text(text.replace("title: Bekymringsinterview\n", "title: Bekymringssamtale\n"), encoding="utf-8")
    out = tmp_path / "site"
    build(data_copy, out, capsys)
    front = page(out, "")
    assert "Bekymringssamtale og Anonym registrering af bekymringshenvendelser til udskrift." in front
    assert "Bekymringsinterview" not in front
    assert "De tre niveauer" in front and "Forebyggelsen er delt i tre niveauer." in page(out, "forebyggelsestrekanten")


def test_a_folder_moved_after_infohus_new_is_told_the_schema_lines_to_write(tmp_path, capsys, check):
    first = tmp_path / "udkast" / "kommune"
    assert main(["new", str(first), "--name", "Test Kommune"]) == 0
    capsys.readouterr()
    _, out = check(first)
    assert not [w for w in warning_lines(out) if "$schema" in w], "infohus new writes lines that resolve"
    moved = tmp_path / "andet" / "sted" / "kommune"
    moved.parent.mkdir(parents=True)
    shutil.move(first, moved)
    _, out = check(moved)
    hints = [w for w in warning_lines(out) if "$schema-linjen" in w]
    assert len(hints) == len(list(moved.glob("*.yml")))
    line = next(w for w in hints if w.startswith(f"{moved / 'contacts.yml'}:1: "))
    fix = line.split("Ret linjen til: ", 1)[1]
    contacts = moved / "contacts.yml"
    text = contacts.read_text(encoding="utf-8").splitlines()
    contacts.write_text("\n".join([fix, *text[1:]]) + "\n", encoding="utf-8")
    _, out = check(moved)
    assert not [w for w in warning_lines(out) if w.startswith(f"{contacts}:") and "$schema" in w]
