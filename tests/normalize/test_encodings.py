"""Encoding detection: each encoding found from a sample of names, and a refusal when unsure."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from dualtrace.errors import InputError
from dualtrace.normalize import encodings
from dualtrace.normalize.detection import detect_bytes
from dualtrace.normalize.plausible import plausibility

# Small fictional names, each in the script its encoding carries.
NAMES = {
    "cp1251": ["ООО «Радиокомплект»", "ПАО Северный Завод", "микросхемы интегральные"],
    "koi8-r": ["ООО Радиокомплект", "АО Уральские Приборы", "подшипники шариковые"],
    "cp866": ["ООО Радиокомплект", "ЗАО Балтийская Техника", "станки токарные"],
    "gb18030": ["深圳星河微电子有限公司", "鑫海贸易有限公司", "集成电路 处理器"],
    "big5": ["台灣積體電路製造股份有限公司", "新竹精密機械", "積體電路 處理器"],
    "shift_jis": ["株式会社東京エレクトロン", "大阪精密工業株式会社", "半導体製造装置 部品"],
    "cp1252": ["Müller Präzisionsmaschinen GmbH", "Société Générale d'Équipement", "Fräsmaschinen"],
}


def sample(encoding: str, rows: int = 3) -> bytes:
    names = NAMES[encoding]
    text = "decl,shipper,goods,value\n" + "".join(
        f"D{n},{names[n % 2]},{names[2]},{n}.50\n" for n in range(rows)
    )
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", sorted(NAMES))
def test_legacy_encodings_are_told_apart_by_their_names(encoding: str) -> None:
    found = detect_bytes(sample(encoding))
    assert found.encoding == encoding, found.describe()
    # The other readings are worse and are kept to show in an error.
    assert found.candidates[0].score > found.candidates[1].score


def test_latin1_bytes_read_as_cp1252_give_the_same_names() -> None:
    raw = sample("cp1252").decode("cp1252").encode("latin-1")
    found = detect_bytes(raw)
    assert found.encoding in {"cp1252", "latin-1"}
    assert raw.decode(found.encoding) == raw.decode("latin-1")


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8-sig", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_byte_order_marks_decide(encoding: str, bom: bytes) -> None:
    body = "decl,shipper\nD1,ООО Ромашка 深圳\n".encode(encoding.removesuffix("-sig"))
    assert detect_bytes(bom + body).encoding == encoding


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_a_mark_are_found_by_their_nul_bytes(encoding: str) -> None:
    body = "decl,shipper\nD1,ООО Ромашка\nD2,Müller GmbH\n".encode(encoding)
    assert detect_bytes(body).encoding == encoding


def test_too_little_text_to_tell_is_an_error_naming_file_candidates_and_option(tmp_path: Path) -> None:
    # Two Japanese characters read as well in Shift-JIS, GB18030 and cp866.
    path = tmp_path / "tiny.csv"
    path.write_bytes("id,name\n1,東京\n".encode("shift_jis"))
    with pytest.raises(InputError) as caught:
        encodings.detect(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("tiny.csv: cannot tell the text encoding")
    assert "shift_jis" in message and "gb18030" in message and "--encoding" in message


def test_utf8_and_ascii_stay_utf8() -> None:
    assert detect_bytes(b"a,b\n1,2\n").encoding == "utf-8"
    assert detect_bytes("a,b\n1,ООО Ромашка 深圳\n".encode()).encoding == "utf-8"


def test_plausibility_prefers_names_over_mojibake() -> None:
    right = "ООО Радиокомплект"
    assert plausibility(right).score == 1.0
    for wrong in (right.encode("cp1251").decode("koi8-r"), right.encode("cp1251").decode("cp1252")):
        assert plausibility(wrong).score <= 0.5, wrong


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_wide_transcoding_keeps_lines_and_quarantines_a_broken_unit(tmp_path: Path, encoding: str) -> None:
    # U+010A is b"\n" plus a NUL in UTF-16: splitting on bytes would cut this name in two.
    good = "decl,shipper\nD1,Ċeltic ООО\n".encode(encoding)
    lone_surrogate = b"\x00\xd8" if encoding == "utf-16-le" else b"\xd8\x00"
    broken = "D2,".encode(encoding) + lone_surrogate + "x\nD3,ok\n".encode(encoding)
    path = tmp_path / "wide.csv"
    path.write_bytes(good + broken)
    with encodings.as_utf8(path, encoding) as (copy, bad):
        assert copy.read_text(encoding="utf-8") == "decl,shipper\nD1,Ċeltic ООО\n\nD3,ok\n"
        assert [line for line, _ in bad] == [3]
