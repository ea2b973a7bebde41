"""Errors a user can act on. Faces print them as one line and exit with code 1."""


class DualtraceError(Exception):
    """A user-facing error: bad input, missing file, wrong mapping. Never a bug."""


class InputError(DualtraceError):
    """The input file or its options cannot be used as given."""


class MappingError(DualtraceError):
    """A column mapping names something that does not exist or cannot work."""


class WarehouseError(DualtraceError):
    """The warehouse file is missing, locked or refuses the operation."""
