"""The ONE versioned policy document: every window, category, fee and threshold the engine uses.

The data lives in ``policy_document.json`` next to this module; this module only types and checks
it. Each section carries ``notes`` that write down how the project reads the merchant's text where
``spec/policy-rules.md`` is silent, so a merchant can change the setting and its reading together.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from returns_shared.domain.errors import UnsupportedCurrency
from returns_shared.domain.orders import Address
from returns_shared.domain.vocabulary import ItemCondition, ReturnMethod, ReturnReason

DOCUMENT_FILE = "policy_document.json"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    notes: tuple[str, ...] = ()


class Clause(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    text: str  # customer-readable, close to the merchant's words


class Merchant(_Section):
    name: str
    contact_email: str


class ReturnWindow(_Section):
    """WINDOW-30D: days per category (upper-case keys), default_days for every other category."""

    default_days: int = Field(gt=0)
    category_days: dict[str, int] = Field(default_factory=dict)

    @field_validator("category_days")
    @classmethod
    def _upper_keys(cls, value: dict[str, int]) -> dict[str, int]:
        return {key.upper(): days for key, days in value.items()}

    def days_for(self, category: str) -> int:
        return self.category_days.get(category.upper(), self.default_days)


class Eligibility(_Section):
    non_returnable_categories: frozenset[str]
    zero_price_is_free_gift: bool = True

    @field_validator("non_returnable_categories")
    @classmethod
    def _upper(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(category.upper() for category in value)


class Reasons(_Section):
    merchant_responsibility: frozenset[ReturnReason]


class Inspection(_Section):
    """COND-NEW at inspection: conditions that mean the item did not come back (never refunded)."""

    never_accepted: frozenset[ItemCondition]


class Methods(_Section):
    label_countries: frozenset[str]
    exchanges_offered: bool = False
    traceable_carriers: tuple[str, ...] = ()


class ReturnAddress(_Section):
    address: Address


class CurrencyFees(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label_fee: Decimal
    shipping_credit: Decimal


class FeeCondition(BaseModel):
    """A condition left out (None) matches either way."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    merchant_responsibility: bool | None = None
    first_return_package: bool | None = None
    method: ReturnMethod | None = None

    def matches(
        self, *, merchant_responsibility: bool, first_return_package: bool, method: ReturnMethod
    ) -> bool:
        return (
            self.merchant_responsibility in (None, merchant_responsibility)
            and self.first_return_package in (None, first_return_package)
            and self.method in (None, method)
        )


class FeeCase(BaseModel):
    """One row of the fee table in policy-rules.md: when it applies, what it charges or credits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    when: FeeCondition
    clause: str
    label_fee: bool = False
    shipping_credit: bool = False


class Region(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    countries: frozenset[str]
    default: bool = False  # the region of every country no other region lists
    cases: tuple[FeeCase, ...]

    def case_for(
        self, *, merchant_responsibility: bool, first_return_package: bool, method: ReturnMethod
    ) -> FeeCase:
        """First matching case wins (the table is checked for completeness when loaded)."""
        for case in self.cases:
            if case.when.matches(
                merchant_responsibility=merchant_responsibility,
                first_return_package=first_return_package,
                method=method,
            ):
                return case
        raise LookupError(
            f"region {self.id} has no fee case for this package"
        )  # unreachable once loaded


class Fees(_Section):
    currencies: dict[str, CurrencyFees]
    regions: tuple[Region, ...]

    def region_of(self, country_code: str) -> Region:
        country = country_code.upper()
        for region in self.regions:
            if country in region.countries:
                return region
        return next(region for region in self.regions if region.default)


class Refunds(_Section):
    processing_days: int = Field(gt=0)
    expected_extra_days: int = Field(ge=0)
    reminder_hours_before_due: int = Field(ge=0)


class Screening(_Section):
    amount_threshold: dict[str, Decimal]  # per order currency
    history_multiple: Decimal = Field(gt=0)
    unused_labels_before_review: int = Field(gt=0)  # SCREEN-LABELS, per order line
    placeholder_names: tuple[str, ...]
    postal_code_patterns: dict[str, str]  # full-match regex per ISO country code


class Expiry(_Section):
    approved_days: int = Field(gt=0)


class ReviewSla(_Section):
    business_days: int = Field(gt=0)
    holiday_country: str
    timezone: str = "UTC"


class PolicyDocument(BaseModel):
    """The whole policy; ``version`` is stamped on every quote and screening result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    effective_from: date
    merchant: Merchant
    clauses: tuple[Clause, ...]
    return_window: ReturnWindow
    eligibility: Eligibility
    reasons: Reasons
    inspection: Inspection
    methods: Methods
    return_address: ReturnAddress
    fees: Fees
    refunds: Refunds
    screening: Screening
    expiry: Expiry
    review_sla: ReviewSla

    @model_validator(mode="after")
    def _consistent(self) -> PolicyDocument:
        ids = [clause.id for clause in self.clauses]
        if len(ids) != len(set(ids)):
            raise ValueError("clause ids must be unique")
        defaults = [region.id for region in self.fees.regions if region.default]
        if len(defaults) != 1:
            raise ValueError(f"exactly one default fee region is needed, found {defaults}")
        for region in self.fees.regions:
            for case in region.cases:
                if case.clause not in ids:
                    raise ValueError(
                        f"fee case of region {region.id} cites unknown clause {case.clause}"
                    )
            for mr in (True, False):  # every package must get an answer
                for first in (True, False):
                    for method in ReturnMethod:
                        try:
                            region.case_for(
                                merchant_responsibility=mr,
                                first_return_package=first,
                                method=method,
                            )
                        except LookupError as gap:
                            raise ValueError(
                                f"{gap} (merchant responsibility {mr}, first {first}, {method})"
                            ) from None
        if set(self.fees.currencies) != set(self.screening.amount_threshold):
            raise ValueError("fees and screening thresholds must cover the same currencies")
        return self

    # -- the public summary (ReturnPolicy in the API) ------------------------------------------
    @property
    def return_window_days(self) -> int:
        return self.return_window.default_days

    @property
    def non_returnable_categories(self) -> list[str]:
        return sorted(self.eligibility.non_returnable_categories)

    @property
    def refund_processing_days(self) -> int:
        return self.refunds.processing_days

    @property
    def exchanges_offered(self) -> bool:
        return self.methods.exchanges_offered

    # -- lookups ------------------------------------------------------------------------------
    @cached_property
    def _clauses_by_id(self) -> dict[str, Clause]:  # every answer cites clauses: look them up by id
        return {clause.id: clause for clause in self.clauses}

    def clause(self, clause_id: str) -> Clause:
        try:
            return self._clauses_by_id[clause_id]
        except KeyError:
            raise KeyError(f"the policy document {self.version} has no clause {clause_id}") from None

    def has_clause(self, clause_id: str) -> bool:
        return clause_id in self._clauses_by_id

    def fees_for(self, currency: str) -> CurrencyFees:
        """Fee amounts in the order currency; no table means a clear error, never a conversion."""
        fees = self.fees.currencies.get(currency)
        if fees is None:
            raise UnsupportedCurrency(
                f"Our return policy has no fees in {currency}: please contact customer service.",
                field=("orderId",)
            )
        return fees

    @classmethod
    def from_json(cls, text: str) -> PolicyDocument:
        return cls.model_validate(json.loads(text))


@lru_cache(maxsize=1)
def load_policy() -> PolicyDocument:
    """The current policy document (package data, read once per process)."""
    text = resources.files(__package__).joinpath(DOCUMENT_FILE).read_text(encoding="utf-8")
    return PolicyDocument.from_json(text)
