"""The order feed (upserts), customer emails (once, never lost) and the command dispatcher."""

from __future__ import annotations

import pytest

from returns_shared.domain.errors import ConflictError
from returns_shared.service import notify, requests, screening
from returns_shared.service.catalog import COMMANDS
from returns_shared.service.dispatch import run_command
from returns_shared.service.ports import EmailUndeliverable

from . import builders as b
from .fakes import FakeUnitOfWork, World


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


# -- recordOrder -----------------------------------------------------------------------------
def test_an_order_is_recorded_then_a_resend_writes_nothing():
    world = World()
    command = b.order_input(b.order())
    assert world.command("recordOrder", b.FEED, command) == {
        "returnId": None,
        "orderId": "O1",
        "userErrors": [],
    }
    assert world.table.orders["O1"].version == 1
    assert world.command("recordOrder", b.FEED, command)["userErrors"] == []
    assert world.table.orders["O1"].version == 1 and world.table.commits == 1


def test_an_order_update_is_versioned_but_priced_facts_are_frozen_once_returned():
    world = World()
    world.command("recordOrder", b.FEED, b.order_input(b.order(delivered_days_ago=None)))
    assert world.command("recordOrder", b.FEED, b.order_input(b.order()))["userErrors"] == []  # delivery scan
    assert world.table.orders["O1"].version == 2
    world.command("requestReturn", b.customer(), b.request_input())
    repriced = b.order_input(b.order(price="10.00"))
    assert codes(world.command("recordOrder", b.FEED, repriced)) == ["INVALID_STATE"]
    assert world.table.orders["O1"].order.lines[0].unit_price.amount == 30


def test_malformed_orders_report_every_problem_and_write_nothing():
    world = World()
    command = b.order_input(b.order())
    command["lines"][1]["id"] = "L1"
    command["shippingFee"] = {"amount": "-1.00", "currencyCode": "USD"}
    answer = world.command("recordOrder", b.FEED, command)
    assert [e["field"] for e in answer["userErrors"]] == [
        ["input", "lines", "1", "id"],
        ["input", "shippingFee", "amount"],
    ]
    assert world.table.orders == {}


def test_an_orders_locale_is_checked_kept_in_bcp_47_case_and_may_change_once_returned():
    world = World()
    command = {**b.order_input(b.order()), "locale": "JA-jp"}
    assert world.command("recordOrder", b.FEED, command)["userErrors"] == []
    assert world.table.orders["O1"].order.locale == "ja-JP"
    world.command("requestReturn", b.customer(), b.request_input())
    # the locale prices nothing: the feed may correct it while the order has returns
    assert world.command("recordOrder", b.FEED, {**command, "locale": "fr-CA"})["userErrors"] == []
    assert world.table.orders["O1"].order.locale == "fr-CA"
    for bad in ("ja_JP", "english", "x" * 36):
        answer = world.command("recordOrder", b.FEED, {**command, "locale": bad})
        [error] = answer["userErrors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "locale"])
        assert error["message"].startswith("The locale must be ")
    assert world.table.orders["O1"].order.locale == "fr-CA"


def test_a_customers_emails_are_written_in_the_orders_language():
    world = World()
    world.command("recordOrder", b.FEED, {**b.order_input(b.order()), "locale": "de-AT"})
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    world.command("cancelReturn", b.customer(), {"id": rid})
    [mail] = world.mailer.sent
    assert mail.subject == f"Rücksendung {rid} storniert" and '<html lang="de">' in (mail.html or "")


def test_only_the_feed_records_orders():
    assert codes(World().command("recordOrder", b.AGENT, b.order_input(b.order()))) == ["FORBIDDEN"]


# -- emails ----------------------------------------------------------------------------------
def _cancelled(world: World) -> str:
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    world.mailer.down = True
    assert world.command("cancelReturn", b.customer(), {"id": rid})["userErrors"] == []
    world.mailer.down = False
    return rid


def test_an_email_that_failed_backs_off_then_the_job_sends_it_once():
    world = World()
    rid = _cancelled(world)
    record = world.table.emails[(rid, "canceled")]
    assert world.mailer.sent == [] and (record.status, record.attempts) == ("PENDING", 1)
    assert notify.resend_pending(world.deps)["resent"] == 0  # backing off
    world.clock.advance(minutes=16)  # the first backoff
    assert notify.resend_pending(world.deps) == {"resent": 1, "failed": 0, "given_up": 0, "skipped": 0}
    assert (record.status, record.attempts, len(world.mailer.sent)) == ("SENT", 2, 1)
    assert notify.resend_pending(world.deps)["resent"] == 0


def test_a_resend_that_fails_again_backs_off_longer_and_alerts_operations():
    world = World()
    rid = _cancelled(world)
    world.clock.advance(minutes=16)
    world.mailer.down = True
    assert notify.resend_pending(world.deps)["failed"] == 1
    assert world.table.emails[(rid, "canceled")].next_attempt_at - world.clock() == notify.backoff(2)
    assert world.alerts.subjects() == ["Customer emails still failing"]


def test_an_undeliverable_email_is_given_up_at_once_and_alerted():
    world = World()
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]

    def undeliverable(email: object) -> str:
        raise EmailUndeliverable("BadRequestException", "no such mailbox")

    world.mailer.send = undeliverable
    assert notify.canceled(world.deps, world.stored(rid)) is False
    assert world.table.emails[(rid, "canceled")].status == "GIVEN_UP"
    assert world.alerts.subjects() == ["Customer emails given up: 1"]
    world.clock.advance(days=3)
    assert notify.resend_pending(world.deps) == {"resent": 0, "failed": 0, "given_up": 0, "skipped": 0}


def test_a_resend_the_return_no_longer_bears_out_is_skipped():
    world = World()
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    world.mailer.down = True
    screening.screen_return(rid, world.deps)
    requests.send_instructions(rid, world.deps)  # "how to ship": fails
    world.mailer.down = False
    world.command("cancelReturn", b.customer(), {"id": rid})
    world.clock.advance(minutes=16)
    assert notify.resend_pending(world.deps)["skipped"] == 1
    assert world.table.emails[(rid, "instructions")].status == "SKIPPED"
    assert [mail.subject for mail in world.mailer.sent if "cancel" in mail.subject.lower()]


def test_two_resend_runs_never_send_one_email_twice():
    world = World()
    rid = _cancelled(world)
    world.clock.advance(minutes=16)
    [due], _ = world.repo.due_emails(due_by=world.clock())
    first, second = FakeUnitOfWork(world.table), FakeUnitOfWork(world.table)
    first.begin_email_attempt(due, at=world.clock(), retry_at=world.clock() + notify.RESEND_AFTER)
    second.begin_email_attempt(due, at=world.clock(), retry_at=world.clock() + notify.RESEND_AFTER)
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    assert world.table.emails[(rid, "canceled")].attempts == 2


def test_an_email_kind_goes_out_once_per_return():
    world = World()
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    ret = world.stored(rid)
    assert notify.canceled(world.deps, ret) is True
    assert notify.canceled(world.deps, ret) is False
    assert len(world.mailer.sent) == 1


# -- the dispatcher --------------------------------------------------------------------------
def test_unknown_commands_and_missing_callers_are_answered_not_raised():
    world = World()
    assert codes(run_command({"command": "nope", "caller": b.AGENT.to_json()}, {}, world.deps)) == [
        "UNKNOWN_COMMAND"
    ]
    assert codes(world.command("cancelReturn", b.AGENT, {"id": "x"})) == ["NOT_FOUND"]
    no_caller = run_command({"command": "cancelReturn", "input": {"id": "x"}}, COMMANDS, world.deps)
    assert codes(no_caller) == ["UNAUTHENTICATED"]


def test_a_conflict_that_outlasts_the_retries_is_a_conflict_error_and_writes_nothing(monkeypatch):
    world = World()
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    monkeypatch.setattr("returns_shared.service.dispatch.time.sleep", lambda _s: None)

    def always_conflict(ret):
        raise ConflictError("someone else won")

    monkeypatch.setattr(world.deps, "save_return", always_conflict)
    assert codes(world.command("cancelReturn", b.customer(), {"id": rid})) == ["CONFLICT"]
    assert world.stored(rid).status.value == "REQUESTED"


@pytest.mark.parametrize(
    ("payload", "field"), [({}, ["id"]), ({"id": ""}, ["id"]), ({"id": "R1", "extra": 1}, ["extra"])]
)
def test_malformed_input_is_invalid_input_with_its_path(payload, field):
    """The path of the mutation's own argument (cancelReturn takes `id`, no `input` object)."""
    answer = World().command("cancelReturn", b.AGENT, payload)
    assert codes(answer) == ["INVALID_INPUT"] and answer["userErrors"][0]["field"] == field


def test_a_wrapped_commands_path_starts_with_input():
    answer = World().command("requestReturn", b.customer(), {"orderId": "O1"})
    assert codes(answer) == ["INVALID_INPUT"] and answer["userErrors"][0]["field"][0] == "input"
