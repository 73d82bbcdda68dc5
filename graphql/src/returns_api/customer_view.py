"""What a customer is shown of their own return's history.

Staff read the timeline as recorded. A customer reads who acted by role, never a staff member's
address or id, and not the note an agent wrote when approving a request under review (an internal
remark; the decline reason, by contrast, is the customer's: it is emailed to them).
"""

from __future__ import annotations

from returns_shared.domain.returns import ReturnEvent
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service.roles import Role

# People are recorded as "<role>:<email or sub>" (Caller.actor); services by name ("screening",
# "system", "payments") or with what they speak for ("carrier:USPS"). A customer may read those and
# their own "customer:<their email>"; staff are named by role.
ROLE_TITLES: dict[str, str] = {
    Role.AGENT: "customer service",
    Role.WAREHOUSE: "warehouse",
    Role.INTEGRATION: "store",
}
AGENT_NOTES_SHOWN = frozenset({ReturnStatus.DECLINED})  # the reason the customer is emailed


def customer_actor(actor: str) -> str:
    role, _, _ = actor.partition(":")
    return ROLE_TITLES.get(role, actor)


def customer_note(event: ReturnEvent) -> str | None:
    agent = event.actor.partition(":")[0] == Role.AGENT
    return None if agent and event.status not in AGENT_NOTES_SHOWN else event.note
