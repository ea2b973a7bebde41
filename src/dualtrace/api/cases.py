"""Users, API keys, the audit log and cases (the `serve` face and the CLI both call these)."""

from __future__ import annotations

import getpass
from typing import Any

from dualtrace.api.base import SessionBase
from dualtrace.cases import accounts, audit, workflow
from dualtrace.cases.accounts import Principal
from dualtrace.errors import InputError
from dualtrace.findings import store as findings_store


def cli_actor() -> Principal:
    """The person at the command line: the warehouse's owner, so an admin."""
    return Principal(f"cli:{getpass.getuser()}", "admin", "cli")


class CasesMixin(SessionBase):
    def users_add(self, username: str, password: str, role: str, *, actor: Principal | None = None) -> None:
        accounts.add_user(self.con, username, password, role, actor=(actor or cli_actor()).name)

    def users(self) -> list[dict[str, Any]]:
        return accounts.users(self.con)

    def login(self, username: str, password: str) -> Principal | None:
        return accounts.login(self.con, username, password)

    def keys_create(
        self,
        role: str,
        *,
        username: str | None = None,
        label: str | None = None,
        actor: Principal | None = None,
    ) -> str:
        """A new API key, returned once (only its SHA-256 and prefix are stored)."""
        return accounts.create_key(
            self.con, role, actor=(actor or cli_actor()).name, username=username, label=label
        )

    def keys(self) -> list[dict[str, Any]]:
        return accounts.keys(self.con)

    def keys_revoke(self, prefix: str, *, actor: Principal | None = None) -> None:
        accounts.revoke_key(self.con, prefix, actor=(actor or cli_actor()).name)

    def principal_for_key(self, key: str) -> Principal | None:
        return accounts.by_key(self.con, key)

    def audit_record(self, actor: Principal, action: str, target: str | None, details: Any) -> None:
        audit.append(self.con, actor.name, action, target, None, details)

    def audit_log(
        self, *, limit: int = 100, offset: int = 0, action: str | None = None
    ) -> list[dict[str, Any]]:
        return audit.entries(self.con, limit=limit, offset=offset, action=action)

    def audit_verify(self) -> dict[str, Any]:
        return audit.verify(self.con)

    def case_open_finding(self, finding_id: str, actor: Principal) -> str:
        finding = findings_store.by_id(self.con, finding_id)
        if finding is None:
            raise InputError(f"no finding {finding_id!r}")
        return workflow.open_from_finding(self.con, finding, actor)

    def case_open_hit(self, hit: dict[str, Any], actor: Principal) -> dict[str, Any]:
        return workflow.open_from_hit(self.con, hit, actor)

    def case_dismissed_on(self, party: str, list_name: str, entity_id: str) -> str | None:
        return workflow.dismissed_on(self.con, party, list_name, entity_id)

    def cases(self, **filters: Any) -> list[dict[str, Any]]:
        return workflow.cases(self.con, **filters)

    def case(self, case_id: str) -> dict[str, Any]:
        return workflow.case(self.con, case_id)

    def case_assign(self, case_id: str, assignee: str, actor: Principal) -> dict[str, Any]:
        return workflow.assign(self.con, case_id, assignee, actor)

    def case_start(self, case_id: str, actor: Principal) -> dict[str, Any]:
        return workflow.start(self.con, case_id, actor)

    def case_comment(self, case_id: str, body: str, actor: Principal) -> None:
        workflow.comment(self.con, case_id, body, actor)

    def case_propose(self, case_id: str, outcome: str, actor: Principal) -> dict[str, Any]:
        return workflow.propose(self.con, case_id, outcome, actor)

    def case_approve(self, case_id: str, actor: Principal) -> dict[str, Any]:
        return workflow.approve(self.con, case_id, actor)

    def case_reject(self, case_id: str, actor: Principal) -> dict[str, Any]:
        return workflow.reject(self.con, case_id, actor)
