"""Customer-friendly words for the policy's technical outcomes (screening flags, inspection findings).

Marked for translation where they are defined (`N_`), translated where they are used (`t.gettext`)."""

from __future__ import annotations

from returns_shared.domain.decisions import ScreeningFlag
from returns_shared.domain.vocabulary import ItemCondition
from returns_shared.notifications.translation import N_, Translator

# What each screening clause found, and what we ask the customer to confirm.
SCREENING: dict[str, tuple[str, str]] = {
    "SCREEN-AMOUNT": (
        N_("The value of this return is unusually high, or much higher than your earlier returns."),
        N_("Please confirm that you are returning these items and that they are unused, with tags attached."),
    ),
    "SCREEN-ADDRESS": (
        N_("The billing address and the shipping address of the order do not match, or a postal code looks "
           "incomplete."),
        N_("Please confirm your billing and shipping addresses, including the postal codes."),
    ),
    "SCREEN-CONTACT": (
        N_("The recipient's name or phone number on the order looks incomplete or incorrect."),
        N_("Please confirm the recipient's full name and a phone number where we can reach you."),
    ),
    "SCREEN-EMAIL": (
        N_("We could not confirm that the email address on the order is a permanent personal address."),
        N_("Please confirm that this email address is yours, by replying from it."),
    ),
    "SCREEN-LABELS": (
        N_("Prepaid return labels we issued earlier for the same item were not used."),
        N_("Please confirm that you will ship this return; you can also ship it on your own instead."),
    ),
}


def screening_finding(flag: ScreeningFlag, t: Translator) -> str:
    """What a flag found, in the reader's words (a clause without words of its own keeps the
    screening's message, which is English)."""
    found = SCREENING.get(flag.clause_id)
    return t.gettext("{finding} (policy clause {clause})",
                     finding=t.gettext(found[0]) if found else flag.message, clause=flag.clause_id)


def screening_request(flag: ScreeningFlag, t: Translator) -> str | None:
    found = SCREENING.get(flag.clause_id)
    return t.gettext(found[1]) if found else None


CONDITION: dict[ItemCondition, str] = {
    ItemCondition.NEW_WITH_TAGS: N_("new with tags"),
    ItemCondition.MISSING_TAGS: N_("the label tags were missing"),
    ItemCondition.WORN: N_("the item had been worn"),
    ItemCondition.WASHED: N_("the item had been washed"),
    ItemCondition.IRONED: N_("the item had been ironed"),
    ItemCondition.STAINED: N_("the item was stained"),
    ItemCondition.DAMAGED: N_("the item was damaged"),
    ItemCondition.MISSING: N_("the item was not in the package"),
    ItemCondition.WRONG_ITEM: N_("the package held another item than the one ordered"),
}

ADDRESS_WARNING = N_(
    "Send your package ONLY to the return address in this email. Do NOT send it to the address "
    "printed on your original package: that is not our return address, and a package sent there "
    "delays or prevents your refund. (ADDR-RETURN)"
)
