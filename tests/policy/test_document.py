"""The policy document: every clause of policy-rules.md, consistent settings, notes, cached loading."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from pydantic import ValidationError

from returns_shared.domain.errors import UnsupportedCurrency
from returns_shared.domain.vocabulary import ReturnReason
from returns_shared.policy.document import PolicyDocument, load_policy

from .factories import POLICY

RULE_CLAUSES = [
    "WINDOW-30D",
    "COND-NEW",
    "NR-CATEGORY",
    "NR-MARKED",
    "NR-GIFT",
    "NR-SET",
    "QTY",
    "REQ-FIRST",
    "NO-EXCHANGE",
    "LABEL-US",
    "ADDR-RETURN",
    "FEE-US-FIRST",
    "FEE-US-LATER",
    "FEE-US-SELF",
    "FEE-US-QUALITY",
    "FEE-CAJP-FIRST",
    "FEE-CAJP-LATER",
    "FEE-CAJP-QUALITY",
    "FEE-EU",
    "FEE-OTHER",
    "REFUND-7D",
    "REFUND-ORIGINAL",
    "REFUND-SHIPPING",
    "REFUND-FEES",
    "REFUND-AMOUNT",
    "REFUND-ONCE",
    "SCREEN-AMOUNT",
    "SCREEN-ADDRESS",
    "SCREEN-CONTACT",
    "SCREEN-EMAIL",
    "SCREEN-LABELS",
    "EXPIRE-APPROVED",
    "REVIEW-SLA",
]


def raw() -> dict:
    text = resources.files("returns_shared.policy").joinpath("policy_document.json").read_text()
    return json.loads(text)


def test_every_rule_clause_has_a_customer_text():
    assert [c.id for c in POLICY.clauses] == RULE_CLAUSES
    for clause_id in RULE_CLAUSES:
        clause = POLICY.clause(clause_id)
        assert clause.id == clause_id and len(clause.text) > 20
        assert "`" not in clause.text and "Interpretation" not in clause.text


def test_unknown_clause_is_a_key_error():
    with pytest.raises(KeyError):
        POLICY.clause("NOPE")
    assert not POLICY.has_clause("NOPE")


def test_version_and_cache():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.\d+", POLICY.version)
    assert load_policy() is load_policy()


def test_settings_match_the_rules():
    assert POLICY.return_window.default_days == 30
    assert POLICY.eligibility.non_returnable_categories == {
        "BODYSUIT",
        "TIGHTS",
        "SOCKS",
        "JEWELRY",
        "INTIMATES",
    }
    assert POLICY.reasons.merchant_responsibility == {
        ReturnReason.DEFECTIVE,
        ReturnReason.NOT_AS_DESCRIBED,
        ReturnReason.WRONG_ITEM,
    }
    assert POLICY.methods.label_countries == {"US"} and POLICY.methods.exchanges_offered is False
    fees = POLICY.fees_for("USD")
    assert (str(fees.label_fee), str(fees.shipping_credit)) == ("6.99", "6.99")
    assert len(POLICY.fees.region_of("DE").countries) == 27
    assert POLICY.fees.region_of("CA").id == POLICY.fees.region_of("JP").id
    assert POLICY.fees.region_of("GB").default
    assert (POLICY.refunds.processing_days, POLICY.refunds.expected_extra_days) == (7, 5)
    assert (
        str(POLICY.screening.amount_threshold["USD"]) == "500.00"
        and POLICY.screening.history_multiple == 3
    )
    assert POLICY.expiry.approved_days == 30 and POLICY.review_sla.business_days == 2
    assert POLICY.return_address.address.country_code == "US"


def test_placeholders_hold_no_real_names():
    names = {name.lower() for name in POLICY.screening.placeholder_names}
    assert {"test", "asdf", "qwerty", "n/a", "none", "xxx", "unknown", "customer"} <= names
    assert not names & {"na", "bar", "foo", "null", "sample"}


def test_postal_patterns_cover_the_main_countries():
    assert {"US", "CA", "JP", "GB", "DE", "FR", "IT", "ES", "NL", "AU"} <= set(
        POLICY.screening.postal_code_patterns
    )


def test_every_setting_section_writes_its_reading_down():
    for key, section in raw().items():
        if isinstance(section, dict):
            assert section.get("notes"), f"section {key} has no notes"


def test_unsupported_currency():
    with pytest.raises(UnsupportedCurrency):
        POLICY.fees_for("EUR")


def test_a_fee_table_with_a_gap_or_an_unknown_clause_is_refused():
    data = raw()
    data["fees"]["regions"][1]["cases"] = data["fees"]["regions"][1]["cases"][
        :2
    ]  # no CA/JP "later"
    with pytest.raises(ValidationError, match="no fee case"):
        PolicyDocument.model_validate(data)
    data = raw()
    data["fees"]["regions"][2]["cases"][0]["clause"] = "FEE-XX"
    with pytest.raises(ValidationError, match="unknown clause"):
        PolicyDocument.model_validate(data)
