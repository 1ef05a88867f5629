"""Random corruption of the default data never crashes the check and every problem is located."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from macros.cli import main
from macros.model.problems import NATIONAL_HEADING

LOCATED = re.compile(r"^\S+\.ya?ml:\d+: ")


@st.composite
def corruption(draw):
    """A function that damages YAML bytes in one of the ways a hurried editor might."""
    how = draw(st.sampled_from(["delete_line", "retype", "cut", "tab", "garbage", "duplicate_line",
                                "unindent"]))
    where = draw(st.floats(min_value=0, max_value=1, exclude_max=True))
    garbage = draw(st.binary(min_size=1, max_size=8))
    new_value = draw(st.sampled_from(["[1, 2]", "{}", "123", "true", "", "'x'", "\"<script>alert(1)</script>\"",
                                      "- a", "2026-02-30", "null"]))

    def apply(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        i = int(where * len(lines))
        if how == "delete_line":
            del lines[i]
        elif how == "duplicate_line":
            lines.insert(i, lines[i])
        elif how == "tab":
            lines[i] = b"\t" + lines[i]
        elif how == "unindent":
            lines[i] = lines[i].lstrip(b" ")
        elif how == "retype" and b": " in lines[i]:
            key = lines[i].split(b": ", 1)[0]
            lines[i] = key + b": " + new_value.encode()
        elif how == "cut":
            return raw[: int(where * len(raw))]
        elif how == "garbage":
            pos = int(where * len(raw))
            return raw[:pos] + garbage + raw[pos:]
        return b"\n".join(lines)
    return how, apply


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_data_gives_located_problems_not_tracebacks(data, capsys):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(ROOT / "data" / "national", root / "national")
        shutil.copytree(ROOT / "data" / "hjoerring", root / "kommune")
        files = sorted((root / "national").glob("*.yml")) + sorted((root / "kommune").glob("*.yml"))
        for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
            target = data.draw(st.sampled_from(files))
            _, apply = data.draw(corruption())
            target.write_bytes(apply(target.read_bytes()))
        code = main(["check", "--data", str(root / "kommune")])
        out = capsys.readouterr()
    text = out.out + out.err
    assert code in (0, 1), text
    assert "Traceback" not in text
    # What falls due follows the problems when there are no errors: its lines name file and line too.
    text, _, due = text.partition("\nForfalder de næste 30 dage:\n")
    text = text.replace("\nIntet forfalder de næste 30 dage.\n", "\n")
    assert all(re.match(r"^  \d+\. \w+ \d{4}( \(overskredet\))?: .+ – \S+\.ya?ml:\d+$", line)
               for line in due.splitlines()), due
    problem_lines = [line for line in text.splitlines()
                     if line and line not in ("Fejl:", "Advarsler:", NATIONAL_HEADING) and not line.startswith(
                         ("Data er i orden", "Data har fejl", "Tjekker ")) and not re.match(r"^\d+ fejl og", line)
                     and not re.match(r"^\d+ (nationale? oplysning(er)? afventer bekræftelse|advars(el|ler) om de "
                                      r"nationale data); se de[nm] med --national$", line)]
    for line in problem_lines:
        assert LOCATED.match(line), f"problem without file and line: {line!r}"
