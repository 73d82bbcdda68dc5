"""Agents find customers by name: names keyed without case, accents or spacing (pure), orders filed
under the names on their addresses as the feed records them, corrections unfiling the old name, many
customers sharing one name paged (the service layer over the fakes)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.customer_names import name_key, rotations
from returns_shared.domain.errors import InvalidInput
from returns_shared.domain.orders import Address

from . import builders as b
from .fakes import World


# -- the key (pure) -------------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "key"), [
    ("Jane Doe", "jane doe"),
    ("  JANE   DOE ", "jane doe"),
    ("José Müller-Lüdenscheidt", "jose muller ludenscheidt"),
    ("Zoë O’Brien", "zoe obrien"),
    ("Søren Łukasz Straße", "soren lukasz strasse"),
    ("ＪＡＮＥ　ＤＯＥ", "jane doe"),  # NFKC: fullwidth letters and the ideographic space
    ("ごとう はなこ", "ごとう はなこ"),  # a voicing mark changes the kana: kept
    ("Dr. Ann\tSmith", "dr ann smith"),
])
def test_a_name_is_keyed_without_case_accents_punctuation_or_spacing(written, key):
    assert name_key(written) == key


def test_a_name_is_found_from_each_of_its_words():
    assert rotations("mary jane watson") == ("mary jane watson", "jane watson mary", "watson mary jane")
    assert rotations("jane jane") == ("jane jane",)


# -- the index (service) -------------------------------------------------------------------------
def _record(world: World, order_id: str, *, email: str = b.ALICE, name: str = "Jane Doe",
            billing: str | None = None, days_ago: int = 10) -> None:
    ship = b.address().model_copy(update={"name": name})
    billed = ship.model_copy(update={"name": billing}) if billing else None
    order = b.order(order_id, email=email, billing=billed, delivered_days_ago=None)
    order = order.model_copy(update={"shipping_address": ship, "placed_at": b.NOW - timedelta(days=days_ago)})
    if not billing:
        order = order.model_copy(update={"billing_address": ship})
    assert world.command("recordOrder", b.FEED, b.order_input(order))["userErrors"] == []


def _found(world: World, name: str, first: int = 20) -> list[tuple[str, str, str]]:
    page = world.repo.customers_named(name=name, first=first, after=None)
    return [(n.name, n.email, n.order_id) for n in page.items]


def test_a_customer_is_found_by_whole_name_and_by_the_start_of_first_or_last_name():
    world = World()
    _record(world, "O1", name="Jane Doe")
    for typed in ("jane", "Doe", "jane d", "JANE DOE", "doe, j", "  jane   doe"):
        assert _found(world, typed) == [("Jane Doe", b.ALICE, "O1")], typed
    assert _found(world, "jane x") == [] and _found(world, "oe") == []
    with pytest.raises(InvalidInput):
        _found(world, "j")


def test_the_billing_name_finds_the_customer_too_and_a_customer_is_answered_once_per_name():
    world = World()
    _record(world, "O1", name="Jane Doe", billing="John Doe", days_ago=20)
    _record(world, "O2", name="Jane Doe", days_ago=5)
    assert _found(world, "doe") == [("Jane Doe", b.ALICE, "O2"), ("John Doe", b.ALICE, "O1")]


def test_the_newest_order_under_the_name_is_answered_as_written_there():
    world = World()
    _record(world, "O1", name="jane doe", days_ago=3)
    _record(world, "O2", name="Jane DOE", days_ago=30)  # older: the newest order's spelling stays
    assert _found(world, "jane") == [("jane doe", b.ALICE, "O1")]
    _record(world, "O3", name="Jane Doe", days_ago=1)
    assert _found(world, "jane") == [("Jane Doe", b.ALICE, "O3")]


def test_a_name_corrected_on_re_record_is_no_longer_found_unless_another_order_carries_it():
    world = World()
    _record(world, "O1", name="Jane Doe", days_ago=10)
    _record(world, "O2", name="Jane Doe", days_ago=20)
    _record(world, "O1", name="Jane Smith", days_ago=10)  # the feed corrects O1's name
    assert _found(world, "smith") == [("Jane Smith", b.ALICE, "O1")]
    assert _found(world, "doe") == [("Jane Doe", b.ALICE, "O2")]  # O2 still carries it: it stands in
    _record(world, "O2", name="Jane Smith", days_ago=20)
    assert _found(world, "doe") == []
    assert _found(world, "jane") == [("Jane Smith", b.ALICE, "O1")]
    assert not [n for n in world.table.named_orders.values() if n.name_key == "jane doe"]


def test_an_order_moved_to_another_customer_leaves_the_first_one_unfound():
    world = World()
    _record(world, "O1", email="first@example.com", name="Jane Doe")
    _record(world, "O1", email="second@example.com", name="Jane Doe")
    assert _found(world, "jane doe") == [("Jane Doe", "second@example.com", "O1")]


def test_a_resend_and_a_delivery_update_write_no_name():
    world = World()
    _record(world, "O1")
    names = dict(world.table.customer_names)
    _record(world, "O1")
    assert world.table.customer_names == names


def test_many_customers_sharing_a_name_come_in_pages():
    world = World()
    for i in range(5):
        _record(world, f"O{i}", email=f"jane{i}@example.com", name="Jane Doe")
    first = world.repo.customers_named(name="jane doe", first=3, after=None)
    rest = world.repo.customers_named(name="jane doe", first=3, after=first.next_cursor)
    emails = [n.email for n in first.items + rest.items]
    assert emails == [f"jane{i}@example.com" for i in range(5)] and rest.next_cursor is None
    with pytest.raises(InvalidInput):
        world.repo.customers_named(name="jane", first=3, after=first.next_cursor)  # another listing's link


def test_a_name_that_reads_like_an_rma_is_still_a_name():
    world = World()
    _record(world, "O1", name="Rma 7K2Q Ltd")
    assert _found(world, "RMA-7K2Q") == [("Rma 7K2Q Ltd", b.ALICE, "O1")]


def test_two_orders_filing_one_new_name_at_once_take_turns():
    world = World()
    _record(world, "O1", name="Jane Doe")
    seen = world.repo.customer_names(b.ALICE.casefold(), ["jane doe"])["jane doe"]
    uow = world.deps.unit_of_work()
    uow.save_customer_name(seen.newest, seen=None)  # as if read before the first order's commit
    with pytest.raises(Exception, match="conditional"):
        uow.commit()


def test_an_address_without_a_name_of_two_letters_is_not_filed():
    world = World()
    order = b.order().model_copy(update={"shipping_address": Address(
        name="J", line1="1 Main Street", city="New York", postal_code="10001", country_code="US")})
    order = order.model_copy(update={"billing_address": order.shipping_address})
    assert world.command("recordOrder", b.FEED, b.order_input(order))["userErrors"] == []
    assert world.table.customer_names == {}
