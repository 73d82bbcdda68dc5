"""Input limits, defined once: the functions' command models and the gateway's edge validation
both read them, so a request the gateway lets through is never refused for size by a function."""

from __future__ import annotations

MAX_LINES = 50  # lines per order, return request or inspection
MAX_TEXT = 500  # names, ids, address lines, skus
MAX_LONG_TEXT = 2000  # notes and decline reasons
MAX_EMAIL = 320  # RFC 5321 path limit
MAX_IDEMPOTENCY_KEY = 128
MAX_POSTAL_CODE = 20
MAX_PHONE = 40
MAX_SET_ID = 200
MAX_LINE_QUANTITY = 1000
# A provider's webhook call (a Stripe event, an EasyPost tracker with its scans: tens of KB); larger
# bodies are refused before they are read whole (the local routes) or parsed (the functions)
MAX_WEBHOOK_BODY_BYTES = 256 * 1024
