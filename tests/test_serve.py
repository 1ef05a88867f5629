"""`infohus serve` (`make serve`): the handbook with working card links and the citizen page, rebuilt on save."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import DEFAULT_DATA, ROOT, TODAY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    """GET `url`. MkDocs' server holds a request while it rebuilds (the handbook, the cards and the
    beredskab's PDFs), so the wait for an answer is generous."""
    try:
        with urllib.request.urlopen(url, timeout=90) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.3)


@pytest.fixture
def preview(tmp_path):
    """`infohus serve` on a copy of the default data: (base URL, data folder, the server process)."""
    data = tmp_path / "kommune"
    shutil.copytree(DEFAULT_DATA, data)
    port = _free_port()
    env = {**os.environ, "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "macros.cli", "serve", "--data", str(data),
                               "--addr", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert server.poll() is None, server.communicate()
        try:
            return _get(base + "/")[0] == 200
        except OSError:
            return False

    try:
        _wait_for(up, 90, "the preview to start")
        yield base, data, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_preview_serves_the_handbook_every_card_the_citizen_page_and_the_beredskab(preview):
    base, _, _ = preview
    status, page = _get(base + "/handlekort/")
    assert status == 200
    files = sorted(set(re.findall(r'href="([^"#]+\.(?:pdf))"', page.decode("utf-8"))))
    assert len(files) >= 6, files  # five cards and the A4 sheet
    for name in files:
        status, body = _get(f"{base}/handlekort/{name}")
        assert status == 200 and body.startswith(b"%PDF-"), name
    status, citizen = _get(base + "/borgerside/")
    assert status == 200 and b'href="tel:112"' in citizen
    assert _get(base + "/borgerside/en/")[0] == 200
    # The beredskab: the web edition and its PDF where the citizen page links them, the internal PDF where
    # the handbook links it.
    assert b'href="beredskab/"' in citizen and b'href="beredskab.pdf"' in citizen
    status, edition = _get(base + "/borgerside/beredskab/")
    assert status == 200 and b"Udkast til vedtagelse" in edition
    for pdf in ("/borgerside/beredskab.pdf", "/beredskab-intern.pdf"):
        status, body = _get(base + pdf)
        assert status == 200 and body.startswith(b"%PDF-1.7"), pdf
    assert b'href="../beredskab-intern.pdf"' in _get(base + "/om-haandbogen/")[1]
    # The search index beside the handbook, in Danish.
    status, entry = _get(base + "/pagefind/pagefind-entry.json")
    assert status == 200 and "da" in json.loads(entry)["languages"]
    assert _get(base + "/pagefind/pagefind.js")[0] == 200


def test_saving_a_data_file_updates_the_preview(preview):
    base, data, _ = preview
    index_before = _get(base + "/pagefind/pagefind-entry.json")[1]
    contacts = data / "contacts.yml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"72 33 33 33"', '"98 76 54 32"'),
                        encoding="utf-8")
    _wait_for(lambda: "98 76 54 32" in _get(base + "/kontakter/")[1].decode("utf-8"), 60, "the new number")
    assert "98 76 54 32" in _get(base + "/borgerside/")[1].decode("utf-8")
    index_after = _get(base + "/pagefind/pagefind-entry.json")[1]
    assert index_after and index_after != index_before, "the search index is made again with the pages"


def test_bad_data_while_previewing_is_explained_in_danish_and_the_preview_keeps_running(preview):
    base, data, server = preview
    contacts = data / "contacts.yml"
    good = contacts.read_text(encoding="utf-8")
    contacts.write_text(good.replace('"72 33 33 33"', '"4174 909"', 1), encoding="utf-8")
    time.sleep(8)  # a rebuild is tried and fails; MkDocs holds page requests until a build succeeds
    assert server.poll() is None
    contacts.write_text(good.replace('"72 33 33 33"', '"98 76 54 32"', 1), encoding="utf-8")
    _wait_for(lambda: "98 76 54 32" in _get(base + "/kontakter/")[1].decode("utf-8"), 60, "the fixed data")
    server.terminate()
    _, err = server.communicate(timeout=30)
    assert '"4174 909" er ikke et dansk telefonnummer (8 cifre)' in err
    assert "Forhåndsvisningen er ikke opdateret. Ret fejlene ovenfor, og gem filen igen." in err
    # once the fix has been built, the coordinator is told so, after the failure and only once
    failed_at = err.index("Forhåndsvisningen er ikke opdateret.")
    assert err.count("Opdateret: forhåndsvisningen viser dine rettelser.") == 1
    assert err.index("Opdateret: forhåndsvisningen viser dine rettelser.") > failed_at, err
    assert "Traceback" not in err and "BuildError" not in err, err


# --- the address: refused in Danish before anything is built ---------------------------------------------

@pytest.mark.parametrize(("addr", "said"), [
    ("127.0.0.1:99999", 'infohus: porten "99999" i --addr findes ikke. Vælg et tal fra 1 til 65535, fx '
                        "127.0.0.1:8000."),  # was an OverflowError traceback, after the first build
    ("127.0.0.1:0", 'infohus: porten "0" i --addr findes ikke.'),
    ("notaport", 'infohus: --addr "notaport" er ikke en adresse. Skriv den som VÆRT:PORT, fx 127.0.0.1:8000 (kun '
                 "denne computer) eller 0.0.0.0:8000 (alle netværk)."),  # was MkDocs' English
    ("999.1.1.1:80", 'infohus: "999.1.1.1" i --addr er ikke en IP-adresse.'),
    ("example.com:8000", 'infohus: "example.com" i --addr er ikke en IP-adresse.'),
    ("::1:8000", 'infohus: --addr "::1:8000": en IPv6-adresse skrives i [ ] og en IPv4-adresse uden'),
    ("127.0.0.1:8o00", 'infohus: porten "8o00" i --addr findes ikke.'),
])
def test_an_address_it_cannot_use_is_exit_2_in_danish_before_anything_is_built(addr, said):
    done = subprocess.run([sys.executable, "-m", "macros.cli", "serve", "--addr", addr], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(said) and "Traceback" not in done.stderr, done.stderr
    assert "Forhåndsvisning af" not in done.stdout


def test_an_address_another_program_uses_is_exit_2_in_danish_at_once():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "macros.cli", "serve", "--addr", f"127.0.0.1:{port}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"infohus: Adressen 127.0.0.1:{port} bruges allerede af et andet program (måske en "
                           "forhåndsvisning, der stadig kører). Stop det, eller vælg en anden port, fx --addr "
                           f"127.0.0.1:{port + 1}.\n")


# --- who the preview answers ------------------------------------------------------------------------------

def _raw(base: str, request: bytes) -> int:
    """Send `request` as it is and return the status code of the answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=90) as connection:
        connection.sendall(request)
        head = connection.recv(64)
    return int(head.split()[1]) if head.startswith(b"HTTP/") else 0


def test_the_preview_answers_only_its_own_address_and_never_prints_a_traceback(preview):
    base, _, server = preview
    port = base.rsplit(":", 1)[1]

    def get(path: bytes, host: bytes | None = None) -> int:
        header = b"" if host is None else b"Host: " + host + b"\r\n"
        return _raw(base, b"GET " + path + b" HTTP/1.1\r\n" + header + b"Connection: close\r\n\r\n")

    own = f"127.0.0.1:{port}".encode()
    assert get(b"/beredskab-intern.pdf", own) == 200
    assert get(b"/beredskab-intern.pdf", f"localhost:{port}".encode()) == 200
    # A page on another site that points its own host name at 127.0.0.1 (DNS rebinding) sends that name.
    assert get(b"/beredskab-intern.pdf", f"rebind.example:{port}".encode()) == 421  # was 200
    assert get(b"/beredskab-intern.pdf", b"127.0.0.1:1") == 421
    assert get(b"/beredskab-intern.pdf") == 400
    assert get(b"/%00", own) == 400  # was a traceback in the terminal (and a 500)
    hostile = [b"/%%%02X" % byte for byte in range(256)] + [b"/%s" % bytes([byte]) for byte in range(0x21, 0x7f)]
    hostile += [b"/..%2f..%2f..%2fetc%2fpasswd", b"/%ff%fe%00x", b"/?%00", b"/" + b"a" * 5000, b"/%", b"/%zz",
                b"/livereload/99999999999999999999999999/1", b"/borgerside/%00/", b"//etc/passwd"]
    statuses = {path: get(path, own) for path in hostile}
    assert 500 not in statuses.values(), [p for p, s in statuses.items() if s == 500]
    assert statuses[b"/..%2f..%2f..%2fetc%2fpasswd"] == 404
    assert get(b"/", own) == 200  # still serving
    server.terminate()
    _, err = server.communicate(timeout=30)
    assert "Traceback" not in err, err


def test_a_card_too_long_for_a6_while_previewing_is_explained_without_a_traceback(preview):
    """Found only when the card is rendered; a DataError there ended in a traceback in MkDocs' rebuild loop."""
    base, data, server = preview
    escalation = data / "escalation.yml"
    step = "- Ring 112 med det samme, og sig, hvad der sker, og hvor du er."
    good = escalation.read_text(encoding="utf-8")
    assert step in good
    escalation.write_text(good.replace(step, "- " + "Ring 112 med det samme, og sig, hvad der sker. " * 40, 1),
                          encoding="utf-8")
    time.sleep(20)  # the rebuild renders the cards and fails on the long one
    assert server.poll() is None
    escalation.write_text(good, encoding="utf-8")
    _wait_for(lambda: _get(base + "/handlekort/")[0] == 200, 90, "the fixed data")
    server.terminate()
    _, err = server.communicate(timeout=30)
    assert 'handlekortet "akut" kan ikke være på ét A6-kort' in err
    assert "Traceback" not in err, err
