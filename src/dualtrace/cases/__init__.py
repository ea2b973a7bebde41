"""Who may use the server (users, API keys, roles), what they did (the audit chain), and the
cases that alerts and findings become (statuses, comments, four-eyes decisions).

An engine: it reads and writes its own warehouse tables (migration 0700) and knows nothing of
HTTP; `serve`, the CLI and the Python API call the same functions.
"""

from dualtrace.cases.accounts import ROLES, Principal, role_at_least
from dualtrace.cases.workflow import OUTCOMES, STATUSES

__all__ = ["OUTCOMES", "ROLES", "STATUSES", "Principal", "role_at_least"]
