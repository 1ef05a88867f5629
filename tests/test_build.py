"""`infohus build` and `mkdocs build` stop on bad data with the check's messages and leave old output alone."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT, TODAY
from macros.cli import main


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_the_previous_output_untouched(data_copy, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["build", "--data", str(data_copy), "--out", str(out)]) == 0
    before = snapshot(out)
    assert before, "the first build wrote nothing"
    phones = data_copy / "contacts.yml"
    phones.write_text(phones.read_text(encoding="utf-8").replace('"72 33 33 33"', '"4174 909"', 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--data", str(data_copy), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Data har fejl; intet er bygget." in err
    assert '"4174 909" er ikke et dansk telefonnummer (8 cifre)' in err
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_mkdocs_build_runs_the_same_validation(data_copy, tmp_path):
    phones = data_copy / "contacts.yml"
    phones.write_text(phones.read_text(encoding="utf-8").replace('"72 33 33 33"', '"4174 909"', 1), encoding="utf-8")
    env = {**os.environ, "INFOHUS_DATA": str(data_copy), "INFOHUS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    line = next(n for n, text in enumerate(phones.read_text(encoding="utf-8").splitlines(), 1) if "4174 909" in text)
    assert f'{phones}:{line}: contacts[0].phones[0].number: "4174 909" er ikke et dansk telefonnummer (8 cifre). ' \
           'Skriv fx "41 74 90 90".' in done.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_two_full_builds_of_the_same_data_are_identical_byte_for_byte(tmp_path, monkeypatch, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["build", "--out", str(first)]) == 0
    # A different clock must not leak: wkhtmltopdf stamps the time, mkdocs reads SOURCE_DATE_EPOCH.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    assert main(["build", "--out", str(second)]) == 0
    files = snapshot(first)
    assert any(str(p).endswith(".pdf") for p in files) and (first / "public" / "index.html").exists()
    assert snapshot(second) == files
