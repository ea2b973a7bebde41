"""List XML parsed through defusedxml: no DTD, no entity declarations, no external references.

Sanctions lists come from outside; a DTD in one could expand entities without bound (billion
laughs) or point at local files (XXE). No published list uses a DTD, so any DTD is refused.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from dualtrace.errors import InputError

__all__ = ["iterparse", "parse_root"]


def _refused(path: Path, exc: DefusedXmlException) -> InputError:
    return InputError(f"{path.name}: refused, the XML declares a DTD or entities ({type(exc).__name__})")


def _malformed(path: Path, exc: ET.ParseError) -> InputError:
    return InputError(f"{path.name}: not well-formed XML ({exc})")


def _unknown_encoding(path: Path, exc: LookupError) -> InputError:
    return InputError(f"{path.name}: the XML declares an encoding that does not exist ({exc})")


def parse_root(path: Path) -> ET.Element:
    """The root element of a whole XML file, or one-line InputError."""
    try:
        root = safe_et.parse(path, forbid_dtd=True).getroot()
    except DefusedXmlException as exc:
        raise _refused(path, exc) from None
    except ET.ParseError as exc:
        raise _malformed(path, exc) from None
    except LookupError as exc:  # <?xml encoding="..."?> names a codec Python does not have
        raise _unknown_encoding(path, exc) from None
    if root is None:
        raise InputError(f"{path.name}: no XML root element")
    return root


def iterparse(path: Path, events: tuple[str, ...]) -> Iterator[tuple[str, ET.Element]]:
    """Streamed (event, element) pairs; refusals and bad XML become one-line InputErrors."""
    try:
        yield from safe_et.iterparse(path, events=events, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _refused(path, exc) from None
    except ET.ParseError as exc:
        raise _malformed(path, exc) from None
    except LookupError as exc:
        raise _unknown_encoding(path, exc) from None
