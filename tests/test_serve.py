"""`infohus serve` (`make serve`): the handbook with working card links and the citizen page, rebuilt on save."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def test_saving_a_data_file_updates_the_preview(preview):
    base, data, _ = preview
    contacts = data / "contacts.yml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('"72 33 33 33"', '"98 76 54 32"'),
                        encoding="utf-8")
    _wait_for(lambda: "98 76 54 32" in _get(base + "/kontakter/")[1].decode("utf-8"), 60, "the new number")
    assert "98 76 54 32" in _get(base + "/borgerside/")[1].decode("utf-8")


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
    assert "Traceback" not in err and "BuildError" not in err, err
