"""Customer-friendly words for the policy's technical outcomes (screening flags, inspection findings)."""

from __future__ import annotations

from returns_shared.domain.decisions import ScreeningFlag
from returns_shared.domain.vocabulary import ItemCondition

# What each screening clause found, and what we ask the customer to confirm.
SCREENING: dict[str, tuple[str, str]] = {
    "SCREEN-AMOUNT": (
        "The value of this return is unusually high, or much higher than your earlier returns.",
        "Please confirm that you are returning these items and that they are unused, with tags attached.",
    ),
    "SCREEN-ADDRESS": (
        "The billing address and the shipping address of the order do not match, or a postal code looks "
        "incomplete.",
        "Please confirm your billing and shipping addresses, including the postal codes.",
    ),
    "SCREEN-CONTACT": (
        "The recipient's name or phone number on the order looks incomplete or incorrect.",
        "Please confirm the recipient's full name and a phone number where we can reach you.",
    ),
    "SCREEN-EMAIL": (
        "We could not confirm that the email address on the order is a permanent personal address.",
        "Please confirm that this email address is yours, by replying from it.",
    ),
    "SCREEN-LABELS": (
        "Prepaid return labels we issued earlier for the same item were not used.",
        "Please confirm that you will ship this return; you can also ship it on your own instead.",
    ),
}


def screening_finding(flag: ScreeningFlag) -> str:
    found, _ = SCREENING.get(flag.clause_id, (flag.message, ""))
    return f"{found} (policy clause {flag.clause_id})"


def screening_request(flag: ScreeningFlag) -> str | None:
    return SCREENING.get(flag.clause_id, ("", ""))[1] or None


CONDITION: dict[ItemCondition, str] = {
    ItemCondition.NEW_WITH_TAGS: "new with tags",
    ItemCondition.MISSING_TAGS: "the label tags were missing",
    ItemCondition.WORN: "the item had been worn",
    ItemCondition.WASHED: "the item had been washed",
    ItemCondition.IRONED: "the item had been ironed",
    ItemCondition.STAINED: "the item was stained",
    ItemCondition.DAMAGED: "the item was damaged",
    ItemCondition.MISSING: "the item was not in the package",
    ItemCondition.WRONG_ITEM: "the package held another item than the one ordered",
}

ADDRESS_WARNING = (
    "Send your package ONLY to the return address in this email. Do NOT send it to the address "
    "printed on your original package: that is not our return address, and a package sent there "
    "delays or prevents your refund. (ADDR-RETURN)"
)
