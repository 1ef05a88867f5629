"""`infohus build --all ROOT --out OUT`: every municipality folder built into OUT/<folder>/, a broken one reported."""
from __future__ import annotations

import sys

from conftest import ROOT

from macros.cli import main
from macros.model import dataset

sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402


def test_every_municipality_is_built_and_a_broken_one_is_reported_with_file_and_line(tmp_path, monkeypatch, capsys):
    root = tmp_path / "kommuner"
    generate.generate(root, 3)  # København, Frederiksberg, Ballerup
    line = generate.break_municipality(root / "frederiksberg")
    reads = []
    real = dataset.Collector.load_folder
    monkeypatch.setattr(dataset.Collector, "load_folder",
                        lambda self, folder, scope: (reads.append(scope), real(self, folder, scope))[1])
    out = tmp_path / "site"
    code = main(["build", "--all", str(root), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert captured.out.splitlines()[-1] == f"Bygget: {out} (2 af 3 kommuner; ikke bygget: frederiksberg)."
    contacts = root / "frederiksberg" / "contacts.yml"
    assert captured.err.startswith("frederiksberg: data har fejl; ikke bygget.\nFejl:\n"
                                   f"{contacts}:{line}: contacts[0].phones[0].number: \"4174 909\" er ikke et dansk "
                                   "telefonnummer (8 cifre).")
    assert reads.count("national") == 1  # the national data parsed once for the three
    assert sorted(p.name for p in out.iterdir()) == [".infohus-build", "ballerup", "koebenhavn"]
    for name, entry, number in (("ballerup", "Infohus Ballerup", "72 30 00 03"),
                                ("koebenhavn", "Infohus København", "72 30 00 01")):
        page = (out / name / "public" / "index.html").read_text(encoding="utf-8")
        assert entry in page and number in page
        assert (out / name / "intranet" / "index.html").is_file()
        assert (out / name / "public" / "beredskab.pdf").is_file()


def test_all_and_data_together_is_refused_in_one_sentence(tmp_path, capsys):
    assert main(["build", "--all", str(tmp_path), "--data", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == ("infohus: brug enten --data (én kommune) eller --all (alle kommuner i en "
                                       "mappe), ikke begge.\n")
    assert main(["build", "--all", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (f"infohus: der er ingen kommunemapper i \"{tmp_path}\". Angiv mappen, der har "
                                       "én datamappe pr. kommune, fx infohus build --all data --out site.\n")
