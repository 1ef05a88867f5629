"""`infohus edit`: saving writes the same YAML a person would, checked like `infohus check`, and the server
refuses what did not come from its own pages (browser tests: test_edit_browser.py)."""
from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEFAULT_DATA, MUNICIPALITIES, error_lines
from macros.cli import main
from macros.edit import app as edit_app
from macros.edit import form, store
from macros.model.loader import load


@contextlib.contextmanager
def running(data: Path):
    """`infohus edit`'s server for `data` on a free port in this process: (base URL, app)."""
    httpd, app = edit_app.server(data, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{app.bound}", app
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def request(url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str, dict]:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, body, headers or {}), timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def changed(before: bytes, after: bytes) -> list[tuple[str, list[str], list[str]]]:
    """The differing runs of lines: (tag, old lines, new lines)."""
    old, new = before.decode().splitlines(), after.decode().splitlines()
    return [(tag, old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in
            difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if tag != "equal"]


def _record(data: Path, contact_id: str) -> dict:
    return store.read(data).record(contact_id)


def _save(data: Path, contact_id: str, **changes) -> store.Saved:
    snapshot = store.read(data)
    return store.save(data, snapshot.digest, contact_id, {**snapshot.record(contact_id), **changes})


# --- what a save changes -----------------------------------------------------------------------------------

def test_replacing_name_phone_and_email_changes_exactly_those_three_lines(data_copy):
    record = _record(data_copy, "ssp-konsulent")
    phones = [dict(p) for p in record["phones"]]
    phones[0]["number"] = "41 74 90 90"
    saved = _save(data_copy, "ssp-konsulent", name="Ali Nyborg", phones=phones, email="ali.nyborg@hjoerring.dk")
    assert changed(saved.before, saved.after) == [
        ("replace", ['    name: "Eksempel: Anna Holm"'], ['    name: "Ali Nyborg"']),
        ("replace", ['      - number: "72 33 33 33"'], ['      - number: "41 74 90 90"']),
        ("replace", ["    email: eksempel.ssp@hjoerring.dk"], ["    email: ali.nyborg@hjoerring.dk"]),
    ]
    assert (data_copy / "contacts.yml").read_bytes() == saved.after
    assert (data_copy / ".contacts.yml.bak").read_bytes() == saved.before
    assert edit_app.changed_lines(saved) == 3


def test_bekraeft_changes_one_line_and_the_date_stays_a_date(data_copy):
    saved = store.bekraeft(data_copy, store.read(data_copy).digest, "infohus-au", date(2026, 12, 1))
    assert changed(saved.before, saved.after) == [("replace", ["      on: 2026-11-01"], ["      on: 2026-12-01"])]


def test_turnover_keeps_the_id_and_sets_who_confirmed_it_today(data_copy):
    saved = store.turnover(data_copy, store.read(data_copy).digest, "ssp-konsulent", "Ali Nyborg", "41 74 90 90",
                           "ali.nyborg@hjoerring.dk", "Mette Prøvesen", date(2026, 12, 1))
    record = _record(data_copy, "ssp-konsulent")
    assert record["name"] == "Ali Nyborg" and record["id"] == "ssp-konsulent"
    assert record["verified"] == {"on": "2026-12-01", "by": "Mette Prøvesen"}
    assert [len(old) for _, old, _ in changed(saved.before, saved.after)] == [1, 1, 1, 2]  # name, number, email, on+by


def test_a_deleted_optional_field_removes_its_own_line_and_the_blank_line_after_the_record_stays(data_copy):
    record = _record(data_copy, "ssp-konsulent")
    del record["source"]["section"]  # the record's last line, which carries the blank line after it
    saved = store.save(data_copy, store.read(data_copy).digest, "ssp-konsulent", record)
    assert changed(saved.before, saved.after) == [("delete", ['      section: "3.1"'], [])]


def test_a_wrong_phone_number_is_refused_with_the_checks_words_and_the_file_is_untouched(data_copy, check):
    before = (data_copy / "contacts.yml").read_bytes()
    record = _record(data_copy, "ssp-konsulent")
    record["phones"][0]["number"] = "12 34"
    with pytest.raises(store.Refused) as refused:
        store.save(data_copy, store.read(data_copy).digest, "ssp-konsulent", record)
    assert (data_copy / "contacts.yml").read_bytes() == before
    assert not (data_copy / ".contacts.yml.bak").exists()
    # The same edit made by hand: infohus check says the same words.
    (data_copy / "contacts.yml").write_text(before.decode().replace('"72 33 33 33"', '"12 34"', 1), encoding="utf-8")
    code, output = check(data_copy)
    assert code == 1
    assert [str(p) for p in refused.value.problems] == [line for line in error_lines(output) if "12 34" in line]
    assert refused.value.problems[0].message == "\"12 34\" er ikke et dansk telefonnummer (8 cifre). Skriv fx \"41 74 90 90\"."


def test_a_file_changed_since_the_form_was_made_is_never_overwritten(data_copy):
    seen = store.read(data_copy).digest
    by_hand = (data_copy / "contacts.yml").read_text(encoding="utf-8") + "# rettet i en editor\n"
    (data_copy / "contacts.yml").write_text(by_hand, encoding="utf-8")
    with pytest.raises(store.Stale):
        store.save(data_copy, seen, "ssp-konsulent", {**_record(data_copy, "ssp-konsulent"), "name": "Ali Nyborg"})
    assert (data_copy / "contacts.yml").read_text(encoding="utf-8") == by_hand


def test_a_backup_infohus_did_not_write_is_not_replaced(data_copy):
    (data_copy / ".contacts.yml.bak").write_text("min egen kopi\n", encoding="utf-8")
    before = (data_copy / "contacts.yml").read_bytes()
    with pytest.raises(store.Refused) as refused:
        _save(data_copy, "ssp-konsulent", name="Ali Nyborg")
    assert ".contacts.yml.bak" in refused.value.why
    assert (data_copy / ".contacts.yml.bak").read_text(encoding="utf-8") == "min egen kopi\n"
    assert (data_copy / "contacts.yml").read_bytes() == before


def test_the_backup_infohus_wrote_is_replaced_by_the_next_save(data_copy):
    first = _save(data_copy, "ssp-konsulent", name="Ali Nyborg")
    second = _save(data_copy, "ssp-konsulent", name="Bo Nyborg")
    assert (data_copy / ".contacts.yml.bak").read_bytes() == second.before == first.after
    leftovers = [n for n in os.listdir(data_copy) if n.endswith(".tmp")]
    assert leftovers == []


def test_a_contacts_file_that_is_a_symbolic_link_is_not_written_through(data_copy, tmp_path):
    elsewhere = tmp_path / "andet.yml"
    shutil.move(data_copy / "contacts.yml", elsewhere)
    (data_copy / "contacts.yml").symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    with pytest.raises(store.Refused) as refused:
        store.read(data_copy)
    assert "symbolsk link" in refused.value.why
    assert elsewhere.read_bytes() == before


def test_the_form_reads_back_what_it_shows_unchanged():
    """A form posted as shown describes the record as it is: saving it changes nothing (every contact)."""
    for folder in MUNICIPALITIES.values():
        snapshot = store.read(folder)
        for raw in snapshot.records():
            record = snapshot.record(raw["id"])
            fields = form.build("contacts", record, {})
            assert form.read(fields, _posted(fields), record) == record, raw["id"]
            assert store.edited_text(snapshot, raw["id"], record) == snapshot.raw


def _posted(fields: form.Field) -> dict[str, list[str]]:
    """What a browser posts for the form as rendered (texts as shown, ticked boxes, selected options)."""
    out: dict[str, list[str]] = {}
    for f in fields.walk():
        if f.kind in ("text", "textarea", "date", "select") and f.value not in (None, ""):
            out[f.name] = [str(f.value)]
        elif f.kind == "checkbox" and f.value:
            out[f.name] = ["true"]
        elif f.kind == "checkboxes":
            out[f.name] = list(f.value)
    return out


# --- the property: random edits change only their own lines ------------------------------------------------

# Letters, digits and what YAML gives a meaning (a colon, a hash, quotes, brackets): the writer must quote it.
_TEXT = st.text(alphabet="abcæøåXYZÆØÅéü019 -.,:#'\"[]{}&*!|>%@`", min_size=1, max_size=30) \
    .map(lambda s: " ".join(s.split())).filter(bool)
_PHONE = st.sampled_from(["41 74 90 90", "+45 72 33 33 33", "98 92 22 22", "23456789"])
_EMAIL = st.from_regex(r"[a-z]{1,10}\.[a-z]{1,10}@kommune\.dk", fullmatch=True)
_DATE = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)).map(date.isoformat)
_EDITS = {"name": _TEXT, "title": _TEXT, "unit": _TEXT, "email": _EMAIL, "phone": _PHONE, "on": _DATE,
          "by": _TEXT, "responsibility": _TEXT}


def _edit(record: dict, what: str, value: str) -> tuple | None:
    """Apply one edit to `record` in place; the path of the value it changes (None if the record lacks it)."""
    if what in ("name", "title", "unit", "email"):
        if what not in record:
            return None
        record[what] = value
        return (what,)
    if what == "phone":
        if not record.get("phones"):
            return None
        record["phones"][0]["number"] = value
        return ("phones", 0, "number")
    if what in ("on", "by"):
        record["verified"][what] = value
        return ("verified", what)
    if not record.get("responsibilities"):
        return None
    record["responsibilities"][0] = value
    return ("responsibilities", 0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=st.sampled_from(sorted(MUNICIPALITIES)), pick=st.integers(0, 100),
       edits=st.lists(st.tuples(st.sampled_from(sorted(_EDITS)), st.data()), min_size=1, max_size=4,
                      unique_by=lambda e: e[0]))
def test_random_edits_change_only_the_lines_of_the_edited_values(folder, pick, edits):
    snapshot = store.read(MUNICIPALITIES[folder])
    records = snapshot.records()
    at = pick % len(records)
    contact_id = records[at]["id"]
    record = snapshot.record(contact_id)
    lines = set()
    for what, data in edits:
        value = data.draw(_EDITS[what])
        node, path = records[at], None
        path = _edit(record, what, value)
        if path is None:
            continue
        for part in path[:-1]:
            node = node[part]
        old = node[path[-1]]
        if str(old) != value:  # a value drawn equal to the old one changes nothing
            lines.add(node.lc.key(path[-1])[0] if isinstance(path[-1], str) else node.lc.item(path[-1])[0])
    new = store.edited_text(snapshot, contact_id, record)
    old_lines, new_lines = snapshot.raw.decode().splitlines(), new.decode().splitlines()
    assert len(new_lines) == len(old_lines)
    assert {i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b} == lines
    doc, problems = load(Path(folder) / "contacts.yml", "contacts.yml", new)
    assert problems == []
    before, _ = load(Path(folder) / "contacts.yml", "contacts.yml", snapshot.raw)
    assert doc.data["contacts"][at] == record
    others = [r for i, r in enumerate(doc.data["contacts"]) if i != at]
    assert others == [r for i, r in enumerate(before.data["contacts"]) if i != at]


def test_the_property_sees_a_save_that_rewrites_another_line(monkeypatch):
    """Negative control: a save that also touches a line it was not asked to is caught by the same comparison."""
    snapshot = store.read(DEFAULT_DATA)
    record = snapshot.record("ssp-konsulent")
    record["name"] = "Ali Nyborg"
    record["title"] = record["title"]  # unchanged
    real = store.apply

    def sloppy(node, new, root, path):
        real(node, new, root, path)
        node["unit"] = str(node["unit"]) + " "  # a change nobody asked for
    monkeypatch.setattr(store, "apply", sloppy)
    new = store.edited_text(snapshot, "ssp-konsulent", record)
    old_lines, new_lines = snapshot.raw.decode().splitlines(), new.decode().splitlines()
    assert len({i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b}) == 2


# --- the server: host, token, address -------------------------------------------------------------------

def test_a_post_without_the_token_or_with_a_wrong_one_is_refused_with_403(data_copy):
    before = (data_copy / "contacts.yml").read_bytes()
    with running(data_copy) as (base, app):
        digest = store.read(data_copy).digest
        for token in (None, "forkert", app.token[:-1]):
            fields = {"kontakt": "infohus-au", "sha256": digest, **({"csrf": token} if token else {})}
            status, body, _ = request(base + "/bekraeft", fields)
            assert status == 403 and "intet er gemt" in body
        status, _, headers = request(base + "/bekraeft", {"kontakt": "infohus-au", "sha256": digest, "csrf": app.token})
        assert status == 303 and headers["Location"] == "/?bekraeftet=infohus-au"
    assert (data_copy / "contacts.yml").read_bytes() != before  # the control: with the token it saved


def test_a_request_for_another_host_is_refused_with_421(data_copy):
    with running(data_copy) as (base, app):
        port = app.bound.rpartition(":")[2]
        for host in ("evil.example", f"evil.example:{port}", f"localhost:{port}", "127.0.0.1"):
            status, body, _ = request(base + "/", headers={"Host": host})
            assert status == 421, host
            assert app.bound in body
        status, body, headers = request(base + "/")
        assert status == 200 and "Hjørring Kommune" in body
        assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_a_save_with_an_old_hash_shows_the_file_as_it_is_now(data_copy):
    with running(data_copy) as (base, app):
        old = store.read(data_copy).digest
        _save(data_copy, "infohus-au", name="Ny Person")
        status, body, _ = request(base + "/kontakt/infohus-au", {"csrf": app.token, "sha256": old, "name": "Ældre"})
        assert status == 409
        assert "Kontaktfilen er ændret, siden du åbnede siden" in body and 'value="Ny Person"' in body
    assert _record(data_copy, "infohus-au")["name"] == "Ny Person"


def test_values_are_escaped_on_the_page(data_copy):
    _save(data_copy, "infohus-au", name="<script>alert(1)</script> & Co")
    with running(data_copy) as (base, _):
        _, start, _ = request(base + "/")
        _, page, _ = request(base + "/kontakt/infohus-au")
    for body in (start, page):
        assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in body


def test_an_address_in_use_is_a_danish_sentence_and_exit_2(data_copy, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["edit", "--data", str(data_copy), "--addr", f"127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"infohus: Adressen 127.0.0.1:{port} bruges allerede af et andet program")
    assert "Traceback" not in err


@pytest.mark.parametrize("addr, words", [("0.0.0.0:8001", "kan kun vises på denne computer"),
                                         ("127.0.0.1", "er ikke en adresse. Skriv den som VÆRT:PORT, fx 127.0.0.1:8001"),
                                         ("localhost:8001", "kan kun vises på denne computer, ikke på localhost"),
                                         ("[::1]:0", "porten \"0\" i --addr findes ikke")])
def test_an_address_other_computers_could_reach_or_without_a_port_is_refused(data_copy, capsys, addr, words):
    assert main(["edit", "--data", str(data_copy), "--addr", addr]) == 2
    assert words in capsys.readouterr().err


def test_only_the_contacts_file_and_its_backup_are_written(data_copy):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_copy.rglob("*") if p.is_file()}
    _save(data_copy, "ssp-konsulent", name="Ali Nyborg")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_copy.rglob("*") if p.is_file()}
    assert {n for n in after if after[n] != before.get(n)} == {"contacts.yml", ".contacts.yml.bak", ".infohus-edit.json"}


def test_turnover_to_a_real_person_drops_the_example_mark_and_only_when_asked(data_copy):
    kept = store.turnover(data_copy, store.read(data_copy).digest, "ssp-konsulent", "Eksempel: Ali Nyborg",
                          "", "eksempel.ssp@hjoerring.dk", "SSP-koordinator", date(2026, 12, 1))
    assert _record(data_copy, "ssp-konsulent")["example"] is True
    assert "    example: true" not in [line for _, old, _ in changed(kept.before, kept.after) for line in old]
    real = store.turnover(data_copy, store.read(data_copy).digest, "ssp-konsulent", "Ali Nyborg", "",
                          "eksempel.ssp@hjoerring.dk", "SSP-koordinator", date(2026, 12, 1), real=True)
    assert "example" not in _record(data_copy, "ssp-konsulent")
    assert ("delete", ["    example: true"], []) in changed(real.before, real.after)


def test_the_start_page_names_the_other_files_the_form_cannot_edit_yet(data_copy):
    (data_copy / "cards.yml").rename(data_copy / "kort.yml")  # an unknown name is never shown as found
    with running(data_copy) as (base, _):
        page = urllib.request.urlopen(base + "/").read().decode("utf-8")
    others = page[page.index('id="andre-filer"'):]
    assert "<code>municipality.yml</code>: kommunen" in others and "<code>plan.yml</code>" in others
    assert "cards.yml" not in others and "kort.yml" not in others and "contacts.yml" not in others


def test_a_folded_text_stays_folded_at_the_files_own_width(data_copy):
    contacts = data_copy / "contacts.yml"
    old = "    internal_note: Indkalder til teamets månedlige møde og fører den anonyme registrering i SBSYS.\n"
    folded = "    internal_note: >-\n      Indkalder til teamets månedlige møde og fører\n      den anonyme registrering i SBSYS.\n"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(old, folded, 1), encoding="utf-8")
    note = ("Indkalder til teamets månedlige møde, fører den anonyme registrering i SBSYS og sender referatet til "
            "alle medlemmer af Infohus samme dag.")
    saved = _save(data_copy, "ssp-konsulent", internal_note=note)
    [(tag, before, after)] = changed(saved.before, saved.after)
    assert before == folded.splitlines()[1:] and after[0].startswith("      ") and len(after) > 2
    width = max(len(line) for line in before) - 6  # the file's own lines: 45 characters after the indent
    assert all(len(line) - 6 <= width and line.startswith("      ") and line[6] != " " for line in after)
    assert " ".join(line.strip() for line in after) == note
    assert _record(data_copy, "ssp-konsulent")["internal_note"] == note


def test_the_turnover_form_says_which_other_numbers_stay(data_copy):
    snapshot = store.read(data_copy)
    record = snapshot.record("ssp-konsulent")
    record["phones"] = record["phones"] + [{"number": "41 74 90 99", "label": "Mobil"}]
    store.save(data_copy, snapshot.digest, "ssp-konsulent", record)
    with running(data_copy) as (base, _):
        page = urllib.request.urlopen(base + "/kontakt/ssp-konsulent/stopper").read().decode("utf-8")
        single = urllib.request.urlopen(base + "/kontakt/infohus-au/stopper").read().decode("utf-8")
    assert "Kun det første skiftes ud; disse bliver stående:\n41 74 90 99 (Mobil)." in page
    assert "flere telefonnumre" not in single
