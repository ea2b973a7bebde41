"""Option values that Typer hands over as text and a command parses itself."""

from __future__ import annotations

from datetime import date

from dualtrace.errors import InputError


def date_option(text: str | None, flag: str) -> date | None:
    """A YYYY-MM-DD option's date (None when not given); anything else is a one-line error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag} {text!r} is not a date (use YYYY-MM-DD)") from None
