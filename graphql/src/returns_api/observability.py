"""The gateway's Powertools logger (structured JSON; no Tracer: X-Ray SDK is slow to import)."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="returns-graphql")
