"""GraphiQL without a CDN, and the document it opens with (local only): the everyday operations.

Strawberry's IDE page loads React and GraphiQL from unpkg, so without internet it stays blank. The
gateway rewrites those URLs to `GRAPHIQL_ASSETS_URL` (the local stack serves the same npm files,
installed from web/graphiql/package-lock.json; deployed, the web bucket does). The page keeps its
subresource-integrity hashes, so a browser runs only the exact files Strawberry pinned.
"""

import re

# What Strawberry's page names (and this module rewrites away: no page we serve loads from it).
STRAWBERRY_CDN = "https://unpkg.com/"
_ASSET = re.compile(r'"https://unpkg\.com/((@[\w.-]+/)?[\w.-]+)@([\w.-]+)/([^"]+)"')
_REMOTE = re.compile(r'(?:src|href)="((?:https?:)?//[^"]+)"')


def offline_ide(html: str, assets_url: str) -> str:
    """The page with every asset from `assets_url`; refuses (at app start) a page that would still load
    anything remote, e.g. a Strawberry upgrade that adds another CDN."""
    page = html.replace(STRAWBERRY_CDN, assets_url.rstrip("/") + "/")
    remote = _REMOTE.findall(page)
    if remote:
        raise RuntimeError(f"GraphiQL's page would load {remote}: serve them with GRAPHIQL_ASSETS_URL")
    return page


def ide_assets(html: str) -> list[tuple[str, str, str]]:
    """(npm package, version, path in the package) of every file the IDE page loads from the CDN."""
    return [(match[1], match[3], match[4]) for match in _ASSET.finditer(html)]


DEFAULT_DOCUMENT = """# Returns gateway (local). Set the header {"Authorization": "Bearer <token>"}:
# tokens are HS256 JWTs signed with RETURNS_LOCAL_JWT_SECRET (default local-dev-secret),
# with sub, exp, email and, for staff, cognito:groups ["agent"] / ["warehouse"] / ["integration"].
# returnPolicy needs no token; `make dev` prints tokens and seeds AK-1001..AK-1003 (jane.doe@example.com).
# Pick an operation with the run button.

query ReturnPolicy {
  returnPolicy {
    version
    returnWindowDays
    nonReturnableCategories
    refundProcessingDays
    exchangesOffered
    clauses { id text }
  }
}

query Quote {
  returnQuote(input: {
    orderId: "AK-1001"
    method: PREPAID_LABEL
    lines: [{ orderLineId: "L1", quantity: 1, reason: SIZE_TOO_SMALL }]
  }) {
    quote {
      lines { orderLineId eligible amount { amount currencyCode } reasons { code message } }
      itemsSubtotal { amount currencyCode }
      labelFee { amount currencyCode }
      shippingCredit { amount currencyCode }
      total { amount currencyCode }
      methodsAvailable
      appliedClauses { id text }
      policyVersion
    }
    userErrors { field message code }
  }
}

mutation RequestReturn {
  requestReturn(input: {
    orderId: "AK-1001"
    method: PREPAID_LABEL
    lines: [{ orderLineId: "L1", quantity: 1, reason: SIZE_TOO_SMALL }]
    conditionAttested: true
    idempotencyKey: "graphiql-example-1"
  }) {
    return { id status quote { total { amount currencyCode } } timeline { at status actor note } }
    userErrors { field message code }
  }
}

query AgentQueue {
  returns(status: UNDER_REVIEW, reverse: true, first: 20) {
    edges {
      cursor
      node {
        id
        status
        createdAt
        order { id email }
        screening { outcome flags { clause { id } message } }
        quote { total { amount currencyCode } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
