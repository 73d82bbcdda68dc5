"""SCREEN-AMOUNT, SCREEN-ADDRESS, SCREEN-CONTACT, SCREEN-EMAIL: each check positive and negative."""

from __future__ import annotations

import pytest

from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.policy.engine import quote, screen

from .factories import NOW, POLICY, SELF, address, line, order, req, stored_return


def run(o, history=(), requested=None):
    requested = requested or [req(ql.id, ql.quantity) for ql in o.lines]
    return screen(
        o, quote(o, requested, SELF, [], policy=POLICY, now=NOW), list(history), policy=POLICY
    )


def flags(result, clause):
    return [f.message for f in result.flags if f.clause_id == clause]


def test_a_plain_order_passes():
    result = run(order(line()))
    assert (result.outcome, result.flags, result.passed) == ("PASS", (), True)
    assert result.policy_version == POLICY.version


# -- SCREEN-AMOUNT ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("price", "flagged"), [("499.99", False), ("500.00", True), ("750.00", True)]
)
def test_absolute_amount(price, flagged):
    result = run(order(line(price=price)))
    assert bool(flags(result, "SCREEN-AMOUNT")) is flagged
    assert result.outcome == ("REVIEW" if flagged else "PASS")


def test_amount_counts_eligible_lines_only():
    result = run(order(line("L1", price="450.00"), line("L2", price="100.00", category="SOCKS")))
    assert not flags(result, "SCREEN-AMOUNT")


def history_of(o, *amounts, status=ReturnStatus.REFUNDED):
    return [
        stored_return(o, [("L1", 1)], return_id=f"H{i}", items=a, status=status)
        for i, a in enumerate(amounts)
    ]


@pytest.mark.parametrize(
    ("amounts", "price", "flagged"),
    [
        (("20.00", "40.00"), "90.00", True),  # mean 30, 3x = 90: at the threshold
        (("20.00", "40.00"), "89.99", False),
        ((), "400.00", False),  # no history: only the absolute threshold
        (("0.00",), "10.00", False),  # a zero mean is no yardstick
    ],
)
def test_amount_against_the_customers_mean(amounts, price, flagged):
    o = order(line(price=price))
    other = order(line(), order_id="O0")
    result = run(o, history_of(other, *amounts))
    assert bool(flags(result, "SCREEN-AMOUNT")) is flagged


@pytest.mark.parametrize(
    "status", [ReturnStatus.CANCELED, ReturnStatus.DECLINED, ReturnStatus.EXPIRED]
)
def test_void_history_is_ignored(status):
    o = order(line(price="90.00"))
    assert not flags(
        run(o, history_of(order(line(), order_id="O0"), "10.00", status=status)), "SCREEN-AMOUNT"
    )


def test_history_of_another_customer_is_ignored():
    o = order(line(price="90.00"))
    stranger = stored_return(
        order(line(), order_id="O0"), items="10.00", email="someone.else@example.com"
    )
    assert not flags(run(o, [stranger]), "SCREEN-AMOUNT")
    same_customer = stored_return(
        order(line(), order_id="O0"), items="10.00", email="JANE.DOE@Example.com"
    )
    assert flags(run(o, [same_customer]), "SCREEN-AMOUNT")


# -- SCREEN-ADDRESS ---------------------------------------------------------------------------
def test_billing_country_differs():
    result = run(order(line(), billing=address("CA")))
    assert flags(result, "SCREEN-ADDRESS") == [
        "billing country CA differs from shipping country US"
    ]


@pytest.mark.parametrize(
    ("country", "postal_code", "flagged"),
    [
        ("US", "10001", False),
        ("US", "10001-1234", False),
        ("US", "1000", True),
        ("US", "ABCDE", True),
        ("CA", "m5v 2t6", False),
        ("CA", "12345", True),
        ("JP", "100-0001", False),
        ("JP", "1000001", False),
        ("JP", "100-001", True),
        ("GB", "SW1A 1AA", False),
        ("GB", "12345", True),
        ("DE", "10115", False),
        ("DE", "1011", True),
        ("FR", "75001", False),
        ("BR", "whatever", False),  # no pattern for the country: not judged
    ],
)
def test_postal_codes(country, postal_code, flagged):
    place = address(country, postal_code=postal_code)
    result = run(order(line(), shipping=place, billing=place))
    assert len(flags(result, "SCREEN-ADDRESS")) == (2 if flagged else 0)  # shipping and billing


# -- SCREEN-CONTACT ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("Jane Doe", False),
        ("Li Na", False),  # Na is a real surname
        ("Omar Bar", False),  # so is Bar
        ("Wei Foo", False),
        ("Renée Testa", False),  # "test" only as a whole word
        ("李娜", False),
        ("Test User", True),
        ("jane TEST", True),
        ("Ｔｅｓｔ Smith", True),  # full-width letters are the same word (NFKC)
        ("Jane Ｄｏｅ", False),
        ("Jane Doe ３", True),  # a full-width digit is a digit
        ("N/A", True),
        ("asdf qwerty", True),
        ("xxx", True),
        ("Unknown", True),
        ("Customer", True),
        ("J", True),  # fewer than two letters
        ("J.", True),
        ("Jane Doe 2", True),  # digits
        ("R2D2", True),
    ],
)
def test_names(name, flagged):
    place = address(name=name)
    result = run(order(line(), shipping=place, billing=place))
    assert len(flags(result, "SCREEN-CONTACT")) == (2 if flagged else 0)


def test_billing_name_alone_is_checked():
    result = run(order(line(), billing=address(name="test")))
    assert flags(result, "SCREEN-CONTACT") == ["billing name 'test' is the placeholder 'test'"]


@pytest.mark.parametrize(
    ("country", "phone", "flagged"),
    [
        ("US", "+1 212-555-0123", False),
        ("US", "(650) 253-0000", False),
        ("US", None, False),  # a missing phone is not flagged
        ("US", "12345", True),
        ("US", "not a phone", True),
        ("US", "+44 20 7946 0958", True),  # valid, but not for the shipping country
        ("CA", "+1 416-555-0199", False),
        ("JP", "03-1234-5678", False),
        ("DE", "+49 30 123456", False),
    ],
)
def test_phones(country, phone, flagged):
    place = address(country, phone=phone)
    result = run(order(line(), shipping=place, billing=place))
    assert bool(flags(result, "SCREEN-CONTACT")) is flagged


# -- SCREEN-EMAIL -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("email", "flagged"),
    [
        ("jane.doe@example.com", False),  # reserved documentation domains pass
        ("jane@example.org", False),
        ("Jane.Doe@Gmail.com", False),
        ("jane@mailinator.com", True),  # disposable
        ("jane@sub.mailinator.com", True),
        ("jane@@example.com", True),
        ("jane.example.com", True),
        ("jane@localhost", True),
        ("jane@foo.invalid", True),
    ],
)
def test_emails(email, flagged):
    result = run(order(line(), email=email))
    assert bool(flags(result, "SCREEN-EMAIL")) is flagged


def test_every_flag_names_a_known_clause_and_says_why():
    place = address(name="Test", postal_code="x", phone="1")
    result = run(
        order(line(price="600.00"), shipping=place, billing=address("CA"), email="a@mailinator.com")
    )
    assert result.outcome == "REVIEW"
    assert {f.clause_id for f in result.flags} == {
        "SCREEN-AMOUNT",
        "SCREEN-ADDRESS",
        "SCREEN-CONTACT",
        "SCREEN-EMAIL",
    }
    assert all(POLICY.has_clause(f.clause_id) and f.message for f in result.flags)
