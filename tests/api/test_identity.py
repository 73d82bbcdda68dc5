"""Ownership by a normalised identity: a look-alike address (KELVIN SIGN for K, fullwidth letters)
owns nothing of the customer it imitates; case and internationalised domains still compare equal."""

from __future__ import annotations

import pytest

from returns_shared.domain.orders import customer_key, is_canonical_email, same_customer
from returns_shared.domain.vocabulary import ReturnStatus

from .support import Api, FakeReader, auth, error_codes, make_order, make_return

KATE = "kate@shop.example"
KELVIN = "\u212aate@shop.example"  # KELVIN SIGN: lower() and NFKC both turn it into "k"

READS = {
    "order": '{ order(id: "O1") { id shippingAddress { line1 } } }',
    "return": '{ return(id: "R1") { id status } }',
    "returns": "{ returns { edges { node { id } } } }",
    "cancel": 'mutation { cancelReturn(id: "R1") { return { id } userErrors { code } } }',
}


def _kates_api() -> Api:
    order = make_order("O1", KATE)
    return Api(FakeReader([order], [make_return("R1", order, status=ReturnStatus.APPROVED)]))


@pytest.mark.parametrize("operation", list(READS))
def test_a_kelvin_sign_token_owns_nothing_of_kate(operation):
    api = _kates_api()
    result = api.gql(READS[operation], headers=auth(email=KELVIN))
    assert result["data"] is None or all(value is None for value in result["data"].values())
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert api.bus.sent == [] and api.reader.calls["list_returns"] == 0


def test_kate_herself_still_owns_her_order_in_any_case():
    api = _kates_api()
    data = api.gql(READS["order"], headers=auth(email="Kate@Shop.EXAMPLE"))["data"]
    assert data["order"]["id"] == "O1"


@pytest.mark.parametrize(
    ("token_email", "order_email", "owns"),
    [
        ("kate@shop.example", KATE, True),
        ("KATE@SHOP.EXAMPLE", KATE, True),
        (KELVIN, KATE, False),
        ("\uff4bate@shop.example", KATE, False),  # FULLWIDTH k
        ("kate@shop.example", KELVIN, False),  # a look-alike order belongs to nobody
        (
            "stra\u00dfe@shop.example",
            "strasse@shop.example",
            False,
        ),  # ß folds to ss: another mailbox
        (
            "jos\u00e9@b\u00fccher.example",
            "JOS\u00c9@xn--bcher-kva.example",
            True,
        ),  # IDNA domain, accented case
        (None, KATE, False),
    ],
)
def test_same_customer(token_email, order_email, owns):
    assert same_customer(token_email, order_email) is owns


def test_keys_are_normalised_and_canonical_forms_are_recognised():
    assert customer_key("  Kate@Shop.Example. ") == "kate@shop.example"
    assert customer_key("x@B\u00fccher.DE") == "x@xn--bcher-kva.de"
    assert customer_key(KELVIN) == customer_key(KATE)  # equal keys: hence the canonical-form check
    assert is_canonical_email("Kate@Shop.Example") and not is_canonical_email(KELVIN)
