"""`infohus edit` in Chromium: the coordinator replaces a contact, is stopped by the check's own words, hands a
contact over to a successor, confirms one from the due list; with the keyboard alone, at 360 px, without
JavaScript, and axe finds nothing on any page. A page of another site can neither post nor read."""
from __future__ import annotations

import pytest

from support import web
from test_edit import request, running
from macros.edit import store

DUE = "infohus-au"  # made due in the copy: confirmed 2026-06-10, review every 180 days, today 2026-12-01


@pytest.fixture(scope="module")
def browser():
    with web.chromium() as launched:
        yield launched


@pytest.fixture
def site(data_copy):
    """The form over a copy of the default data, one contact due for confirmation: (base URL, data folder)."""
    contacts = data_copy / "contacts.yml"
    text = contacts.read_text(encoding="utf-8")
    at = text.index(f"- id: {DUE}")
    at = text.index("on: 2026-11-01", at)
    contacts.write_text(text[:at] + "on: 2026-06-10" + text[at + len("on: 2026-11-01"):], encoding="utf-8")
    with running(data_copy) as (base, _):
        yield base, data_copy


def no_axe_violations(page) -> None:
    violations = web.axe_violations(page)
    assert violations == [], f"{page.url}:\n{web.format_violations(violations)}"


def fits(page, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide at {width} px"


def test_replacing_a_contact_without_javascript_at_360_px_saves_three_lines(browser, site):
    base, data = site
    page = web.new_page(browser, javascript=False, width=360)
    page.goto(base + "/")
    fits(page, 360)
    page.get_by_role("link", name="Eksempel: Anna Holm").click()
    fits(page, 360)
    page.get_by_label("Navn (skal udfyldes)").fill("Ali Nyborg")
    page.locator("#felt-phones-0-number").fill("41 74 90 90")
    page.get_by_label("E-mail").fill("ali.nyborg@hjoerring.dk")
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_role("status").inner_text().startswith("Gemt i contacts.yml (3 linjer ændret)")
    assert page.get_by_role("heading", level=1).inner_text() == "Ali Nyborg"
    fits(page, 360)  # axe needs scripts: it runs over the same pages in the tests below
    record = store.read(data).record("ssp-konsulent")
    assert (record["name"], record["phones"][0]["number"], record["email"]) == \
        ("Ali Nyborg", "41 74 90 90", "ali.nyborg@hjoerring.dk")


def test_a_wrong_phone_number_is_shown_beside_its_field_in_the_checks_words(browser, site):
    base, data = site
    before = (data / "contacts.yml").read_bytes()
    page = web.new_page(browser, width=1280)
    page.goto(base + "/kontakt/ssp-konsulent")
    page.locator("#felt-phones-0-number").fill("12 34")
    page.get_by_role("button", name="Gem").click()
    words = "\"12 34\" er ikke et dansk telefonnummer (8 cifre). Skriv fx \"41 74 90 90\"."
    assert " ".join(page.locator("#felt-phones-0-number-fejl").inner_text().split()) == f"Fejl: {words}"
    assert page.locator("#felt-phones-0-number").get_attribute("aria-describedby").endswith("felt-phones-0-number-fejl")
    assert page.locator("#felt-phones-0-number").input_value() == "12 34"  # what was typed stays
    summary = page.get_by_role("alert").filter(has_text="Ret fejlen")
    assert words in summary.inner_text()
    assert "Intet er gemt" in page.get_by_role("alert").first.inner_text()
    no_axe_violations(page)
    assert (data / "contacts.yml").read_bytes() == before


def test_the_turnover_wizard_keeps_the_id_and_shows_what_to_reprint(browser, site):
    base, data = site
    page = web.new_page(browser, width=360)
    page.goto(base + "/kontakt/ssp-konsulent")
    page.get_by_role("link", name="Medarbejder stopper").click()
    fits(page, 360)
    no_axe_violations(page)
    page.get_by_label("Den nyes navn").fill("Ali Nyborg")
    page.get_by_label("Den nyes telefonnummer").fill("41 74 90 90")
    page.get_by_label("Den nyes e-mail").fill("ali.nyborg@hjoerring.dk")
    page.get_by_label("Dit navn").fill("Mette Prøvesen")
    page.get_by_label("Den nye er en rigtig person").check()
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gemt: Eksempel: Anna Holm → Ali Nyborg"
    reprint = page.get_by_role("heading", name="Skal genoptrykkes").locator("xpath=following-sibling::ul[1]")
    assert "Handlekortet »Akut fare for liv eller helbred« (intranet/handlekort/akut.pdf): navnet på en kontakt er " \
           "ændret: Eksempel: Anna Holm → Ali Nyborg" in reprint.inner_text()
    assert "Ikke et byg" not in page.content() and "Den er ikke et byg" in page.content()
    fits(page, 360)
    no_axe_violations(page)
    record = store.read(data).record("ssp-konsulent")
    assert record["id"] == "ssp-konsulent" and record["verified"] == {"on": "2026-12-01", "by": "Mette Prøvesen"}
    assert "example" not in record


def test_bekraeft_from_the_due_list_confirms_the_contact_today(browser, site):
    base, data = site
    page = web.new_page(browser, width=1280)
    page.goto(base + "/")
    item = page.locator(".ie-due__item").filter(has_text="Eksempel: Sara Lund")
    assert "7. december 2026" in item.inner_text()
    item.get_by_role("button", name="Bekræft").click()
    assert page.get_by_role("status").inner_text() == "»Eksempel: Sara Lund« er bekræftet i dag, 1. december 2026."
    assert page.locator(".ie-due__item").filter(has_text="Eksempel: Sara Lund").count() == 0
    no_axe_violations(page)
    assert store.read(data).record(DUE)["verified"]["on"] == "2026-12-01"


def test_the_form_can_be_used_with_the_keyboard_alone(browser, site):
    base, data = site
    page = web.new_page(browser, width=1280)
    page.goto(base + "/")
    no_axe_violations(page)

    def tab_to(check, what: str, most: int = 200) -> None:
        for _ in range(most):
            page.keyboard.press("Tab")
            if page.evaluate(check):
                return
        pytest.fail(f"Tab never reached {what}")

    tab_to("document.activeElement.textContent === 'Eksempel: Jonas Mikkelsen'", "the contact's link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kontakt/infohus-saeh")
    no_axe_violations(page)
    tab_to("document.activeElement.id === 'felt-title'", "the title field")
    page.keyboard.press("Control+A")
    page.keyboard.type("Infohus-kontaktperson")
    tab_to("document.activeElement.textContent === 'Gem'", "the Gem button", 400)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Gemt i contacts.yml (1 linje ændret)")
    no_axe_violations(page)
    assert store.read(data).record("infohus-saeh")["title"] == "Infohus-kontaktperson"


def test_a_page_of_another_site_can_neither_post_nor_reach_the_form_by_another_name(browser, site, tmp_path):
    base, data = site
    before = (data / "contacts.yml").read_bytes()
    port = base.rpartition(":")[2]
    digest = store.read(data).digest
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Anden side</title></head><body><main>'
        f'<form method="post" action="{base}/bekraeft"><input type="hidden" name="kontakt" value="{DUE}">'
        f'<input type="hidden" name="sha256" value="{digest}"><input type="hidden" name="csrf" value="gæt">'
        '<button>Send</button></form></main></body></html>', encoding="utf-8")
    page = web.new_page(browser, width=1280)
    with web.serve(tmp_path) as other:
        page.goto(other)
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        assert page.url == f"{base}/bekraeft"
        assert "Formularen kom ikke fra denne side, så intet er gemt" in page.content()
    assert (data / "contacts.yml").read_bytes() == before
    response = page.goto(f"http://localhost:{port}/")
    assert response.status == 421
    assert f"Åbn siden som http://127.0.0.1:{port}/" in page.content()
    no_axe_violations(page)
    assert request(base + "/")[0] == 200  # the control: by its own address the page is there
