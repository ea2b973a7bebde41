"""`dualtrace serve`: the HTTP API (/api/v1) and the web pages, on one warehouse.

A face: every answer comes from the Python API (`dualtrace.api.Dualtrace`), the same functions
the CLI calls; this package only checks who asks, parses and formats.
"""

from dualtrace.serve.app import create_app

__all__ = ["create_app"]
