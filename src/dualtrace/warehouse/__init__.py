"""The DuckDB warehouse: canonical tables, migrations, connections."""

from dualtrace.warehouse.db import connect, migrate, schema_version, transaction

__all__ = ["connect", "migrate", "schema_version", "transaction"]
