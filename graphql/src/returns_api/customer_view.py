"""What a customer is shown of their own return's history.

Staff read the timeline as recorded. A customer reads who acted in words (you, customer service, the
warehouse, the carrier by name, an automatic step), never a staff member's address or id, and only the
notes written for them: the decline reason (it is emailed to them), their own tracking number, their
prepaid label's issue and the carrier's scans. The service's own notes are for staff (instants, payment
references, clause ids), and so is the note an agent wrote when approving a request under review.
"""

from __future__ import annotations

from returns_shared.domain.messages import Message
from returns_shared.domain.returns import ReturnEvent
from returns_shared.domain.vocabulary import MessageDirection, ReturnStatus
from returns_shared.service.roles import Role

# People are recorded as "<role>:<email or sub>" (Caller.actor); services by name ("screening",
# "system", "payments") or with what they speak for ("carrier:USPS").
ROLE_TITLES: dict[str, str] = {
    Role.CUSTOMER: "you",
    Role.AGENT: "customer service",
    Role.WAREHOUSE: "warehouse",
    Role.INTEGRATION: "store",
}
SERVICE_TITLES: dict[str, str] = {"payments": "payment provider", "label": "label service"}
AGENT_NOTES_SHOWN = frozenset({ReturnStatus.DECLINED})  # the reason the customer is emailed
NOTES_FOR_CUSTOMERS = frozenset({Role.CUSTOMER, "carrier"})  # their tracking number, the carrier's scans


def customer_actor(actor: str) -> str:
    role, _, who = actor.partition(":")
    if role == "carrier":
        return who or "carrier"
    return ROLE_TITLES.get(role) or SERVICE_TITLES.get(actor, "automatic")


LABEL_ISSUED = "label issued: "  # return_labels.py's note; the rest is the carrier and tracking number


def customer_note(event: ReturnEvent) -> str | None:
    role = event.actor.partition(":")[0]
    if event.actor == "label" and event.note and event.note.startswith(LABEL_ISSUED):
        # else the customer reads a second "Approved" with no word of what happened: their label
        return f"Prepaid label issued: {event.note.removeprefix(LABEL_ISSUED)}"
    if role == Role.AGENT:
        return event.note if event.status in AGENT_NOTES_SHOWN else None
    return event.note if role in NOTES_FOR_CUSTOMERS else None


def customer_reads_message(message: Message) -> bool:
    """Of their return's conversation a customer reads what the service sent and what they wrote; an
    email the service cannot vouch is theirs (another address replying in the thread, or the owner's
    address failing SPF and DKIM) stays with staff, marked: else a forger's words, links included, would
    show on the customer's own page as theirs."""
    return message.direction == MessageDirection.OUTBOUND or message.authenticated
