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
MAX_MESSAGE_TEXT = 5000  # an agent's email to a customer (sendMessage) and an internal note
MIN_TRACKING_NUMBER, MAX_TRACKING_NUMBER = 6, 40  # without the spaces a customer may type
MAX_SCANNED_TRACKING_NUMBER = 64  # a label's barcode as scanned (USPS adds a ZIP routing prefix)
TRACKING_NUMBER_PATTERN = r"^[A-Za-z0-9-]+$"  # after the spaces are removed
MAX_PHOTOS_PER_LINE = 6  # photos the warehouse attaches to one inspected item
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # one photo (a phone's JPEG is 2-5 MB)
PHOTO_CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}  # never SVG (script)
# A provider's webhook call (a Stripe event, an EasyPost tracker with its scans: tens of KB); larger
# bodies are refused before they are read whole (the local routes) or parsed (the functions)
MAX_WEBHOOK_BODY_BYTES = 256 * 1024
