"""List XML with a DTD is refused through the public load path: external entities (XXE), entity
expansion (billion laughs) and plain internal entities, for each XML list layout. The fixtures
are the suite's fictional list files with a DTD put in front of the root element."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.errors import InputError

FIXTURES = Path(__file__).with_name("fixtures")
UN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-05-03T00:00:00Z">
  <INDIVIDUALS/>
  <ENTITIES>
    <ENTITY>
      <DATAID>1</DATAID><FIRST_NAME>NORDLICHT OPTIKA</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPe.999</REFERENCE_NUMBER><LISTED_ON>2024-05-03</LISTED_ON>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
"""
# (root element, fixture text, a name in it that the entity replaces)
LAYOUTS = {
    "ofac-xml": (
        "sdnList",
        (FIXTURES / "sdn.xml").read_text("utf-8"),
        "NORDLICHT OPTIKA LIMITED LIABILITY COMPANY",
    ),
    "ofac-advanced-xml": (
        "Sanctions",
        (FIXTURES / "sdn_advanced.xml").read_text("utf-8"),
        "NORDLICHT OPTIKA LIMITED LIABILITY COMPANY",
    ),
    "eu-fsf-xml": ("export", (FIXTURES / "eu_fsf.xml").read_text("utf-8"), "Nordlicht Optika LLC"),
    "un-xml": ("CONSOLIDATED_LIST", UN_XML, "NORDLICHT OPTIKA"),
}
SECRET = "TOP-SECRET-7f3a9c"


def _laughs() -> str:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return "\n".join(lines)


def _hostile(tmp_path: Path, layout: str, attack: str) -> Path:
    root, text, name = LAYOUTS[layout]
    if attack == "xxe":
        secret = tmp_path / "secret.txt"
        secret.write_text(SECRET, encoding="utf-8")
        entities, ref = f'<!ENTITY x SYSTEM "{secret.as_uri()}">', "&x;"
    elif attack == "laughs":
        entities, ref = _laughs(), "&lol9;"
    else:
        entities, ref = '<!ENTITY x "NORDLICHT">', "&x;"
    declaration, rest = text.split("\n", 1)
    assert name in rest, "the fixture still holds the name the entity replaces"
    hostile = f"{declaration}\n<!DOCTYPE {root} [\n{entities}\n]>\n{rest.replace(name, ref, 1)}"
    path = tmp_path / f"{attack}-{layout}.xml"
    path.write_text(hostile, encoding="utf-8")
    return path


@pytest.mark.parametrize("attack", ["xxe", "laughs", "entity"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_xml_with_a_dtd_is_refused_in_one_line(tmp_path: Path, layout: str, attack: str) -> None:
    path = _hostile(tmp_path, layout, attack)
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with pytest.raises(InputError) as caught:
            dt.lists_load([path], layout=layout)
        # A billion laughs expanded takes about 3 GB; refused, the peak stays (KiB) where it was.
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 500_000
        message = str(caught.value)
        assert message.startswith(f"{path.name}: refused"), message
        assert "DTD" in message and "\n" not in message
        assert SECRET not in message
        assert dt.sql("SELECT count(*) AS n FROM entities") == [{"n": 0}]


def test_the_layout_is_still_detected_and_refused_by_the_cli(tmp_path: Path) -> None:
    path = _hostile(tmp_path, "ofac-xml", "xxe")
    result = CliRunner().invoke(build_app(), ["lists", "load", str(path), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error:") and "Traceback" not in result.output
    assert "refused" in result.output and SECRET not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_unchanged_fixtures_still_load(tmp_path: Path) -> None:
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        for layout, (_, text, _name) in LAYOUTS.items():
            path = tmp_path / f"{layout}.xml"
            path.write_text(text, encoding="utf-8")
            [report] = dt.lists_load([path], layout=layout, list_name=layout)
            assert report.targets >= 1, layout


def test_an_xml_declaring_an_encoding_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    # found by fuzzing: <?xml encoding="TF-8"?> was a LookupError traceback
    path = tmp_path / "UN_consolidated.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="TF-8"?>\n<CONSOLIDATED_LIST></CONSOLIDATED_LIST>\n')
    with dualtrace.open(tmp_path / "w.duckdb") as dt, pytest.raises(InputError, match="encoding that does not exist"):
        dt.lists_load([path])
