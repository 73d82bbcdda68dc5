"""Helpers for the stack tests: moto in-process, resources created from template.yaml, the functions run
in-process as AWS triggers them, GraphQL served by the real gateway app."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from returns_devstack.environment import apply_local_environment
from returns_devstack.tokens import mint

apply_local_environment()

_ids = itertools.count(1)
PLACEHOLDER_PAYMENT = "pi_test_4242"  # Flow.record pays the order for real before recording it


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


class GraphQL:
    """Posts GraphQL documents to the gateway app as a frontend would (HTTP, bearer token)."""

    def __init__(self, app: Any):
        self.app = app

    def raw(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None,
            operation_name: str | None = None) -> httpx.Response:
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name

        async def post() -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app), base_url="http://local"
            ) as client:
                return await client.post("/graphql", json=body, headers=headers)

        return asyncio.run(post())

    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        response = self.raw(query, variables, token=token)
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def errors(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> list[dict[str, Any]]:
        body = self.raw(query, variables, token=token).json()
        assert body.get("errors"), body
        return body["errors"]


class Tokens:
    def customer(self, email: str = "jane.doe@example.com") -> str:
        return mint(sub=f"cust-{email}", email=email, groups=[])

    @property
    def agent(self) -> str:
        return mint(sub="agent-1", email="agent@allegra-k.com", groups=["agent"])

    @property
    def warehouse(self) -> str:
        return mint(sub="wh-1", email="warehouse@allegra-k.com", groups=["warehouse"])

    @property
    def integration(self) -> str:
        return mint(sub="feed-1", email=None, groups=["integration"])

    @property
    def merchant(self) -> str:
        return mint(sub="merchant-1", email="owner@allegra-k.com", groups=["merchant"])


def address(country: str = "US", **overrides: Any) -> dict[str, Any]:
    defaults = {
        "US": {"name": "Jane Doe", "line1": "350 Fifth Avenue", "city": "New York", "region": "NY",
               "postalCode": "10118", "countryCode": "US", "phone": "+1 212 736 3100"},
        "CA": {"name": "Jane Doe", "line1": "290 Bremner Blvd", "city": "Toronto", "region": "ON",
               "postalCode": "M5V 3L9", "countryCode": "CA", "phone": "+1 416 868 6937"},
        "JP": {"name": "Hanako Yamada", "line1": "1-1 Marunouchi", "city": "Tokyo", "region": None,
               "postalCode": "100-0005", "countryCode": "JP", "phone": "+81 3-3211-4111"},
        "DE": {"name": "Erika Mustermann", "line1": "Unter den Linden 1", "city": "Berlin", "region": None,
               "postalCode": "10117", "countryCode": "DE", "phone": "+49 30 2062030"},
        "GB": {"name": "John Smith", "line1": "10 Downing Street", "city": "London", "region": None,
               "postalCode": "SW1A 2AA", "countryCode": "GB", "phone": "+44 20 7925 0918"},
    }[country]
    return {**defaults, **overrides}


def line(
    line_id: str = "L1",
    *,
    price: str = "30.00",
    tax: str = "0.00",
    quantity: int = 1,
    category: str = "DRESS",
    delivered_days_ago: float | None = 5,
    currency: str = "USD",
    **extra: Any,
) -> dict[str, Any]:
    delivered = (
        None if delivered_days_ago is None else iso(datetime.now(UTC) - timedelta(days=delivered_days_ago))
    )
    return {"id": line_id, "sku": f"SKU-{line_id}", "title": f"Item {line_id}", "category": category,
            "quantity": quantity, "unitPrice": {"amount": price, "currencyCode": currency},
            "unitTax": {"amount": tax, "currencyCode": currency}, "deliveredAt": delivered, **extra}


def order_input(*lines: dict[str, Any], country: str = "US", email: str = "jane.doe@example.com",
                order_id: str | None = None, currency: str = "USD", billing: dict[str, Any] | None = None,
                shipping: dict[str, Any] | None = None) -> dict[str, Any]:
    ship = shipping or address(country)
    return {
        "id": order_id or f"T-{next(_ids):05d}",
        "email": email,
        "placedAt": iso(datetime.now(UTC) - timedelta(days=50)),
        "currencyCode": currency,
        "paymentReference": PLACEHOLDER_PAYMENT,
        "shippingAddress": ship,
        "billingAddress": billing or ship,
        "shippingFee": {"amount": "5.99", "currencyCode": currency},
        "lines": list(lines) or [line()],
    }


RECORD_ORDER = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) {
  order { id email } userErrors { field message code } } }"""

RETURN_FIELDS = """id status method carrier trackingNumber createdAt receivedAt refundDueAt refundExpectedBy
  lines { orderLineId quantity reason condition accepted }
  quote { itemsSubtotal { amount currencyCode } labelFee { amount } shippingCredit { amount } total { amount }
          firstReturnPackage merchantResponsibility methodsAvailable appliedClauses { id } policyVersion
          lines { orderLineId eligible amount { amount } reasons { code clause { id } } } }
  screening { outcome flags { clause { id } message } }
  label { carrier trackingNumber url fee { amount } }
  refund { id amount { amount currencyCode } appliedClauses { id } paymentReference issuedAt status
           failureReason }
  timeline { status actor note at }"""

REQUEST_RETURN = f"""mutation($input: RequestReturnInput!) {{ requestReturn(input: $input) {{
  return {{ {RETURN_FIELDS} }} userErrors {{ field message code }} }} }}"""

QUOTE = """query($input: ReturnInput!) { returnQuote(input: $input) {
  quote { itemsSubtotal { amount } labelFee { amount } shippingCredit { amount } total { amount currencyCode }
          firstReturnPackage merchantResponsibility methodsAvailable appliedClauses { id } policyVersion
          lines { orderLineId quantity eligible amount { amount } reasons { code message clause { id } } } }
  userErrors { field message code } } }"""

GET_RETURN = f"query($id: ID!) {{ return(id: $id) {{ {RETURN_FIELDS} }} }}"


def mutation(name: str, args: str, params: str) -> str:
    return f"""mutation({params}) {{ {name}({args}) {{
      return {{ {RETURN_FIELDS} }} userErrors {{ field message code }} }} }}"""


CANCEL = mutation("cancelReturn", "id: $id", "$id: ID!")
APPROVE = mutation("approveReturn", "id: $id, note: $note", "$id: ID!, $note: String")
DECLINE = mutation("declineReturn", "id: $id, reason: $reason", "$id: ID!, $reason: String!")
TRACKING = mutation("submitReturnTracking", "id: $id, carrier: $carrier, trackingNumber: $number",
                    "$id: ID!, $carrier: String!, $number: String!")
RECEIVE = mutation("receiveReturn", "id: $id, receivedAt: $at", "$id: ID!, $at: DateTime")
INSPECT = mutation("inspectReturn", "id: $id, lines: $lines", "$id: ID!, $lines: [InspectionLineInput!]!")
REFUND = mutation("issueRefund", "id: $id", "$id: ID!")


class Flow:
    """Drives a return through the API with the right caller for each step."""

    def __init__(self, gql: GraphQL, tokens: Tokens, *, pay: Any = None):
        self.gql, self.tokens, self.pay = gql, tokens, pay

    def record(self, order: dict[str, Any]) -> dict[str, Any]:
        """Records the order as the feed would, paid at checkout (a real PaymentIntent in localstripe
        replaces the placeholder reference); answers the order as recorded."""
        if self.pay is not None and order["paymentReference"] == PLACEHOLDER_PAYMENT:
            order = self.pay(order)
        data = self.gql(RECORD_ORDER, {"input": order}, token=self.tokens.integration)["recordOrder"]
        assert data["userErrors"] == [], data["userErrors"]
        return order

    def request(
        self,
        order: dict[str, Any],
        lines: list[dict[str, Any]] | None = None,
        *,
        method: str = "SELF_SHIP",
        key: str | None = None,
        attested: bool = True,
        token: str | None = None,
    ) -> dict[str, Any]:
        lines = lines or [{"orderLineId": order["lines"][0]["id"], "quantity": 1, "reason": "SIZE_TOO_SMALL"}]
        variables = {
            "input": {
                "orderId": order["id"],
                "method": method,
                "lines": lines,
                "conditionAttested": attested,
                "idempotencyKey": key or f"key-{next(_ids)}",
            }
        }
        return self.gql(REQUEST_RETURN, variables, token=token or self.tokens.customer(order["email"]))[
            "requestReturn"
        ]

    def quote(
        self, order: dict[str, Any], lines: list[dict[str, Any]] | None = None, *, method: str = "SELF_SHIP"
    ) -> dict[str, Any]:
        lines = lines or [{"orderLineId": order["lines"][0]["id"], "quantity": 1, "reason": "SIZE_TOO_SMALL"}]
        variables = {"input": {"orderId": order["id"], "method": method, "lines": lines}}
        return self.gql(QUOTE, variables, token=self.tokens.customer(order["email"]))["returnQuote"]

    def act(self, document: str, token: str, **variables: Any) -> dict[str, Any]:
        data = self.gql(document, variables, token=token)
        return next(iter(data.values()))

    def get(self, return_id: str) -> dict[str, Any]:
        return self.gql(GET_RETURN, {"id": return_id}, token=self.tokens.agent)["return"]


