"""Line-level customs declarations: Russian imports (cp1251, ``;``, decimal commas, Russian
headers) and Chinese exports (GB18030, Chinese headers), with the planted stories, the background
trade, a few malformed rows, and a mapping YAML next to each file.

codes: what the files write; builder: one declaration line drawn; draws, stories_goods,
stories_parties: what is shipped; numbering: declaration numbers and malformed rows; rows: the
CSV text; column_mapping: the YAML mapping.
"""

from __future__ import annotations

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.declarations.builder import Builder
from dualtrace.demo.scenario.declarations.codes import (
    CN_COUNTRY,
    CN_CURRENCY,
    CN_FILE,
    CN_TRANSPORT,
    CN_UNITS,
    FX_PER_USD,
    RU_COUNTRY,
    RU_FILE,
    RU_TRANSPORT,
    RU_UNITS,
)
from dualtrace.demo.scenario.declarations.column_mapping import mapping
from dualtrace.demo.scenario.declarations.numbering import mark_malformed, number
from dualtrace.demo.scenario.declarations.rows import render
from dualtrace.demo.scenario.declarations.stories_goods import story_armor, story_background, story_thermal
from dualtrace.demo.scenario.declarations.stories_parties import (
    story_decoys,
    story_fast_importer,
    story_group,
    story_hk_intermediary,
    story_listed,
)
from dualtrace.demo.scenario.model import FileKey, Line

__all__ = [
    "CN_COUNTRY",
    "CN_CURRENCY",
    "CN_FILE",
    "CN_TRANSPORT",
    "CN_UNITS",
    "FX_PER_USD",
    "RU_COUNTRY",
    "RU_FILE",
    "RU_TRANSPORT",
    "RU_UNITS",
    "Builder",
    "build",
    "mapping",
    "ordered",
    "render",
]


def build(seed: int, cast: Cast) -> Builder:
    """Generate every declaration line (not yet written)."""
    b = Builder(seed, cast)
    story_background(b)
    story_armor(b)
    story_thermal(b)
    story_group(b)
    story_listed(b)
    story_hk_intermediary(b)
    story_fast_importer(b)
    story_decoys(b)
    number(b)
    mark_malformed(b)
    return b


def ordered(b: Builder, file: FileKey) -> list[Line]:
    return sorted(b.lines(file), key=lambda ln: (ln.date, ln.declaration_no, ln.line_no))
