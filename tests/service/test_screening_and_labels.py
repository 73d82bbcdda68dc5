"""Screening (SCREEN-*, approve/decline, REVIEW-SLA sweeps) and prepaid labels against in-memory ports."""

from __future__ import annotations

import pytest

from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import labels, notify, screening

from . import builders as b
from .fakes import Outage, World


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def requested(world: World, order=None, *, method: str = "SELF_SHIP", key: str = "k1") -> str:
    order = world.table.put_order(order or b.order())
    answer = world.command("requestReturn", b.customer(),
                           b.request_input(order.id, method=method, key=key))
    assert answer["userErrors"] == []
    return answer["returnId"]


def test_a_clean_request_passes_screening_and_is_announced_once():
    world = World()
    rid = requested(world)
    assert screening.screen_return(rid, world.deps) == "PASS"
    assert screening.screen_return(rid, world.deps) is None  # a redelivered event
    assert world.stored(rid).status == ReturnStatus.APPROVED
    assert world.events.types() == ["ReturnRequested", "ReturnApproved"]


def test_a_flagged_request_goes_to_review_with_one_email():
    world = World()
    rid = requested(world, b.order(billing=b.address("GB", "SW1A 1AA")))
    assert screening.screen_return(rid, world.deps) == "REVIEW"
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.UNDER_REVIEW
    assert [flag.clause_id for flag in ret.screening.flags] == ["SCREEN-ADDRESS"]
    assert len(world.mailer.sent) == 1 and "ReturnApproved" not in world.events.types()


@pytest.fixture
def under_review() -> tuple[World, str]:
    world = World()
    rid = requested(world, b.order(billing=b.address("GB", "SW1A 1AA")))
    screening.screen_return(rid, world.deps)
    return world, rid


def test_an_agent_approves_a_review(under_review):
    world, rid = under_review
    assert world.command("approveReturn", b.AGENT, {"id": rid, "note": "fine"})["userErrors"] == []
    assert world.stored(rid).status == ReturnStatus.APPROVED
    assert world.events.types()[-1] == "ReturnApproved"
    assert codes(world.command("approveReturn", b.AGENT, {"id": rid})) == ["INVALID_STATE"]


def test_an_agent_declines_a_review_and_the_customer_is_told_why(under_review):
    world, rid = under_review
    assert world.command("declineReturn", b.AGENT, {"id": rid, "reason": "worn items"})["userErrors"] == []
    assert world.stored(rid).status == ReturnStatus.DECLINED
    assert "worn items" in world.mailer.sent[-1].text


def test_only_agents_decide_reviews(under_review):
    world, rid = under_review
    assert codes(world.command("approveReturn", b.customer(), {"id": rid})) == ["FORBIDDEN"]
    assert codes(world.command("declineReturn", b.AGENT, {"id": rid})) == ["INVALID_INPUT"]  # reason required
    assert world.stored(rid).status == ReturnStatus.UNDER_REVIEW


def test_escalate_reviews_alerts_once_and_sweeps_stuck_returns(under_review):
    world, rid = under_review
    stuck = requested(world, b.order("O2"), key="k2")  # its ReturnRequested event was lost
    world.table.put_order(b.order("O3"))
    unlabelled = requested(world, b.order("O3"), method="PREPAID_LABEL", key="k3")
    screening.screen_return(unlabelled, world.deps)  # approved; its label event is "lost"
    world.clock.advance(days=5)
    counts = screening.escalate_reviews(world.deps, page_size=1)
    assert counts == {"escalated": 1, "rescreened": 1, "relabelled": 1, "conflicts": 0, "queued": 0}
    assert world.stored(rid).review_escalated_at is not None
    assert world.stored(stuck).status == ReturnStatus.APPROVED
    assert world.events.published[-1] == ("ReturnApproved", {"returnId": unlabelled, "orderId": "O3",
                                                             "method": "PREPAID_LABEL", "status": "APPROVED"})
    again = screening.escalate_reviews(world.deps)
    assert again["escalated"] == 0 and len([s for s in world.alerts.subjects() if "under review" in s]) == 1


# -- labels ----------------------------------------------------------------------------------
@pytest.fixture
def approved_prepaid() -> tuple[World, str]:
    world = World()
    rid = requested(world, method="PREPAID_LABEL")
    screening.screen_return(rid, world.deps)
    return world, rid


def test_a_label_is_issued_stored_attached_and_mailed_once(approved_prepaid):
    world, rid = approved_prepaid
    tracking = labels.issue_label(rid, world.deps)
    ret = world.stored(rid)
    assert ret.label is not None and ret.label.tracking_number == tracking
    assert world.labels.objects[ret.label.object_key] == b"%PDF-label"
    assert world.mailer.sent[-1].attachments[0][1] == b"%PDF-label"
    assert labels.issue_label(rid, world.deps) is None  # redelivery: the label is there
    assert len(world.carrier.issued) == 1


def test_a_held_lease_keeps_a_second_worker_out_until_it_goes_stale(approved_prepaid):
    world, rid = approved_prepaid
    world.table.label_leases[rid] = world.clock()  # another worker is issuing right now
    assert labels.issue_label(rid, world.deps) is None and world.carrier.issued == []
    world.clock.advance(minutes=6)  # that worker crashed: its lease is stale
    assert labels.issue_label(rid, world.deps) is not None


def test_a_failed_label_releases_the_lease_so_a_retry_proceeds(approved_prepaid):
    world, rid = approved_prepaid
    world.labels.down = True
    with pytest.raises(Outage):
        labels.issue_label(rid, world.deps)
    assert rid not in world.table.label_leases and world.stored(rid).label is None
    world.labels.down = False
    assert labels.issue_label(rid, world.deps) is not None


def page(rid: str) -> str:
    return f"https://returns.example/portal/#/return/{rid}"


def test_the_label_email_attaches_the_pdf_and_links_the_return_page_never_a_presigned_url(approved_prepaid):
    world, rid = approved_prepaid
    labels.issue_label(rid, world.deps)
    [mail] = world.mailer.sent
    assert mail.attachments == ((f"return-label-{rid}.pdf", b"%PDF-label", "application/pdf"),)
    assert page(rid) in mail.text and f'href="{page(rid)}"' in (mail.html or "")
    assert "labels.example" not in mail.text + (mail.html or "")  # the store's 15-minute URLs stay out


def test_a_resent_label_email_reads_the_pdf_back_and_links_the_page(approved_prepaid):
    world, rid = approved_prepaid
    world.mailer.down = True
    labels.issue_label(rid, world.deps)  # the label is bought and stored; its email fails
    world.mailer.down = False
    world.clock.advance(minutes=16)
    world.labels.down = True  # the PDF cannot be read back: retried later, not sent without it
    assert notify.resend_pending(world.deps)["failed"] == 1 and world.mailer.sent == []
    world.labels.down = False
    world.clock.advance(minutes=31)
    assert notify.resend_pending(world.deps)["resent"] == 1
    [mail] = world.mailer.sent
    assert mail.attachments[0][1] == b"%PDF-label" and page(rid) in mail.text


def test_without_the_portal_s_address_the_email_goes_out_without_the_link(approved_prepaid, caplog):
    world, rid = approved_prepaid
    world.portal.down = True  # SSM cannot be read: warned, not held back
    labels.issue_label(rid, world.deps)
    [mail] = world.mailer.sent
    assert "#/return/" not in mail.text + (mail.html or "") and mail.attachments
    assert "always has a fresh download link" in mail.text
    assert world.table.emails[(rid, "label")].status == "SENT"
    assert "portal address unavailable" in caplog.text
    world.deps.portal = None  # not configured at all (local tools, tests): no link, no warning
    assert notify.return_page(world.deps, world.stored(rid)) is None


def test_review_and_decline_emails_link_the_return_page(under_review):
    world, rid = under_review
    world.command("declineReturn", b.AGENT, {"id": rid, "reason": "worn items"})
    review, declined = world.mailer.sent
    for mail in (review, declined):
        assert page(rid) in mail.text and f'<a href="{page(rid)}">' in (mail.html or "")


def test_no_label_for_self_ship_unknown_or_unapproved_returns():
    world = World()
    self_ship = requested(world)
    assert labels.issue_label(self_ship, world.deps) is None  # REQUESTED
    screening.screen_return(self_ship, world.deps)
    assert labels.issue_label(self_ship, world.deps) is None  # SELF_SHIP
    assert labels.issue_label("RMA-NONE", world.deps) is None
    assert world.carrier.issued == []
