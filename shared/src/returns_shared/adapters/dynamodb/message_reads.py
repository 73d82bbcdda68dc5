"""Reads of the customer-service conversation: messages by id, a return's conversation, the agents'
inbox, the mail of one address, the review queue, and which return an email we sent was about.
(Keys and item shapes: items.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from returns_shared.adapters.dynamodb import items
from returns_shared.adapters.dynamodb.table import TableReads
from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.messages import Message
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReviewWaitingFor
from returns_shared.service.cursors import CursorCodec
from returns_shared.service.ports import Page

# the review queue: the returns whose customer replied first, then those waiting for the customer
REVIEW_GROUPS = (ReviewWaitingFor.AGENT.value, ReviewWaitingFor.CUSTOMER.value)


class MessageReads(TableReads):
    cursors: CursorCodec

    def get_message(self, message_id: str) -> Message | None:
        item = self._get(items.message_key(message_id))
        return items.message_from_item(item) if item else None

    def get_messages(self, message_ids: Sequence[str]) -> dict[str, Message]:
        found = self._batch_get([items.message_key(i) for i in dict.fromkeys(message_ids)])
        messages = (items.message_from_item(item) for item in found)
        return {message.id: message for message in messages}

    def conversation(self, return_id: str) -> list[Message]:
        """Oldest first. The index lags a write by a moment (a reply just sent may show a moment later)."""
        kwargs = self._partition_query("GSI1", "gsi1pk", items.conversation_partition(return_id),
                                       newest_first=False)
        found: list[Message] = []
        while True:
            page = self.client.query(**kwargs)
            found.extend(items.message_from_item(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def inbox(self, *, first: int, after: str | None, include_handled: bool = False) -> Page[Message]:
        """Mail that joined no conversation, newest first: the open ones (sparse GSI3), or all (GSI4)."""
        index, pk_name, pk = ("GSI4", "gsi4pk", items.INBOX) if include_handled else (
            "GSI3", "gsi3pk", items.INBOX_OPEN)
        return self._message_page(index, pk_name, pk, first=first, after=after)

    def mail_from(self, *, email: str, first: int, after: str | None) -> Page[Message]:
        """What one address wrote to customer service (inbox or conversations), newest first."""
        pk = items.mail_from_partition(email)
        return self._message_page("GSI2", "gsi2pk", pk, first=first, after=after)

    def _message_page(self, index: str, pk_name: str, pk: str, *, first: int,
                      after: str | None) -> Page[Message]:
        scope = f"{index}|{pk}"
        start = items.start_key(self.cursors.decode(scope, after), index, pk) if after else None
        found, last = self._query_page(index, pk_name, pk, first=first, start=start, filters={},
                                       convert=items.message_from_item)
        return Page(items=found, next_cursor=self.cursors.encode(scope, last) if last else None)

    def review_queue(self, *, first: int, after: str | None) -> Page[Return]:
        """UNDER_REVIEW returns: those whose customer replied (waiting for an agent) first, then those
        waiting for the customer; in each group the earliest REVIEW-SLA deadline first (GSI5)."""
        scope = "GSI5|REVIEW"
        position: Any = self.cursors.decode(scope, after) if after else {"group": 0, "key": None}
        group = position.get("group") if isinstance(position, dict) else None
        if not isinstance(group, int) or isinstance(group, bool) or not 0 <= group < len(REVIEW_GROUPS):
            raise InvalidInput("This page link is not valid; start the list again.", field=("after",))
        key = position.get("key")
        found: list[Return] = []
        while group < len(REVIEW_GROUPS) and len(found) < first:
            pk = items.review_partition(REVIEW_GROUPS[group])
            start = items.start_key(key, "GSI5", pk) if key is not None else None
            page, last = self._query_page("GSI5", "gsi5pk", pk, first=first - len(found), start=start,
                                          filters={}, convert=items.return_from_item, newest_first=False)
            found.extend(page)
            if last:
                position = {"group": group, "key": last}
                return Page(items=found, next_cursor=self.cursors.encode(scope, position))
            group, key = group + 1, None
        more = group < len(REVIEW_GROUPS)
        return Page(items=found,
                    next_cursor=self.cursors.encode(scope, {"group": group, "key": None}) if more else None)

    def returns_of_sent_emails(self, ses_message_ids: Sequence[str]) -> dict[str, str]:
        found = self._batch_get([items.sent_key(i) for i in dict.fromkeys(ses_message_ids)])
        return {item["pk"]["S"].removeprefix("SENT#"): item["returnId"]["S"] for item in found
                if "returnId" in item}
