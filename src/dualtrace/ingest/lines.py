"""Which physical line each record of a text file starts on.

The fast path needs none of this: when a file's records and lines line up one to one, a
record's line is its position plus the header offset. This module handles the files where they
do not: blank lines the CSV reader skips, rejected records (possibly spanning several lines) and
records whose quoted fields contain line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt


def record_lines(
    n_records: int,
    first_line: int,
    specials: Sequence[tuple[int, int]],
    extra_newlines: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Start line of each kept record.

    n_records:      records the reader kept, in file order.
    first_line:     physical line number of the first data line.
    specials:       (start line, number of lines) of everything that is not a kept record:
                    blank lines, rejected records, lines blanked by transcoding.
    extra_newlines: per kept record, line breaks inside its quoted fields (None = none).
    """
    k = np.arange(n_records, dtype=np.int64)
    if extra_newlines is not None and n_records:
        before = np.concatenate(([0], np.cumsum(extra_newlines[:-1], dtype=np.int64)))
        ideal = first_line + k + before
    else:
        ideal = first_line + k
    if not specials:
        return ideal
    ordered = sorted(specials)
    starts = np.fromiter((s for s, _ in ordered), dtype=np.int64, count=len(ordered))
    spans = np.fromiter((w for _, w in ordered), dtype=np.int64, count=len(ordered))
    covered = np.concatenate(([0], np.cumsum(spans, dtype=np.int64)))
    # Where each special line block would sit if all blocks were removed from the file.
    positions = starts - covered[:-1]
    shift = covered[np.searchsorted(positions, ideal, side="right")]
    result: npt.NDArray[np.int64] = ideal + shift
    return result


_BLANK = re.compile(rb"\n(?=\r?\n)")


def blank_lines(chunks: Iterable[bytes], first_line: int = 1) -> list[int]:
    """Line numbers of empty lines (nothing but a line break) in a stream of byte chunks.

    Line 1 is the first line of the stream, counted from `first_line`. Scanning is done by the
    regex engine and bytes.count, so it runs at memory speed.
    """
    found: list[int] = []
    line = first_line  # line number at the start of `carry`
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        # Keep the tail back so a "\n\r\n" split across chunks is still seen.
        cut = max(len(data) - 2, 0)
        position = 0
        for match in _BLANK.finditer(data, 0, len(data)):
            if match.start() >= cut:
                break
            line += data.count(b"\n", position, match.start())
            position = match.start()
            found.append(line + 1)
        line += data.count(b"\n", position, cut)
        carry = data[cut:]
    if carry.startswith(b"\n") and carry[1:2] == b"\n":
        found.append(line + 1)
    return found
