"""The warehouse refuses a package with no approved return request (REQ-FIRST) and records what is on
it: the sender and their address as on the label, the carrier's label, a note, photos; once per attempt,
never for a package that is expected (the service layer over the fakes)."""

from __future__ import annotations

import pytest

from returns_shared.domain.return_parts import package_photo_key

from . import builders as b
from .fakes import World
from .test_refunds import approved, codes, receive

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PHOTO = "0123456789abcdef0123456789abcdef.jpg"


def record(world: World, scanned: str = "9400 1118 9922 3856 9284 99", key: str = "k1", **extra) -> dict:
    return world.command("recordUnknownPackage", b.WAREHOUSE,
                         {"scanned": scanned, "idempotencyKey": key, **extra})


@pytest.fixture
def world() -> World:
    return World()


def test_what_is_on_the_package_is_recorded_for_customer_service(world):
    world.photos.objects[package_photo_key(PHOTO)] = JPEG
    answer = record(world, senderName="Jane Doe", senderAddress="1 Main Street\nNew York, NY 10001",
                    carrier="USPS", trackingNumber="9400111899223856928499", note="Box taped twice",
                    photoIds=[PHOTO])
    assert answer["userErrors"] == []
    [package] = world.table.unknown_packages
    assert answer["packageId"] == package.id
    assert (package.sender_name, package.sender_address, package.carrier, package.tracking_number,
            package.note) == ("Jane Doe", "1 Main Street\nNew York, NY 10001", "USPS",
                              "9400111899223856928499", "Box taped twice")
    assert [p.object_key for p in package.photos] == [package_photo_key(PHOTO)]
    assert package.reason == "No return request has this number." and package.matched_return_id is None
    assert package.scanned_by.startswith("warehouse:")
    assert world.alerts.subjects() == ["Package refused at the warehouse"]


def test_a_bare_scan_is_enough_and_a_second_click_records_it_once(world):
    first, again = record(world), record(world)
    assert first["userErrors"] == again["userErrors"] == [] and first["packageId"] == again["packageId"]
    assert len(world.table.unknown_packages) == 1
    assert record(world, key="k2")["packageId"] != first["packageId"]  # another package, another record
    reused = record(world, scanned="RMA-OTHER", key="k1")  # the key of the first, for another package
    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"] and len(world.table.unknown_packages) == 2


def test_the_package_of_a_canceled_return_names_the_return(world):
    world.table.put_order(b.order())
    rid = world.command("requestReturn", b.customer(), b.request_input())["returnId"]
    world.command("cancelReturn", b.customer(), {"id": rid})
    assert record(world, scanned=rid)["userErrors"] == []
    [package] = world.table.unknown_packages
    assert package.matched_return_id == rid and package.reason == f"Return {rid} is canceled, not approved."


def test_an_expected_package_is_not_refused(world):
    rid = approved(world)
    answer = record(world, scanned=rid)
    assert codes(answer) == ["INVALID_STATE"] and answer["userErrors"][0]["field"] == ["input", "scanned"]
    assert "receive the package" in answer["userErrors"][0]["message"]
    assert world.table.unknown_packages == [] and codes(receive(world, rid)) == []


@pytest.mark.parametrize(("photo", "stored", "message"), [
    ("not-a-photo.jpg", None, "was not uploaded through the warehouse screen"),
    (PHOTO, None, "did not finish uploading"),
    (PHOTO, b"<svg onload=alert(1)>", "is not a JPEG, PNG or WebP picture"),
])
def test_a_photo_that_is_not_one_of_ours_is_refused_and_nothing_is_recorded(world, photo, stored, message):
    if stored is not None:
        world.photos.objects[package_photo_key(photo)] = stored
    answer = record(world, photoIds=[photo])
    assert codes(answer) == ["INVALID_INPUT"] and message in answer["userErrors"][0]["message"]
    assert answer["userErrors"][0]["field"] == ["input", "photoIds", "0"]
    assert world.table.unknown_packages == []


def test_text_with_control_characters_or_too_long_is_refused(world):
    assert codes(record(world, senderName="Jane\x00Doe")) == ["INVALID_INPUT"]
    assert codes(record(world, carrier="x" * 41)) == ["INVALID_INPUT"]
    assert world.table.unknown_packages == []


def test_only_the_warehouse_records_packages(world):
    answer = world.command("recordUnknownPackage", b.AGENT, {"scanned": "x", "idempotencyKey": "k"})
    assert codes(answer) == ["FORBIDDEN"]
