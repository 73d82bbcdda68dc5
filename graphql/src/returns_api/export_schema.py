"""`python -m returns_api.export_schema [--check]`: write the SDL to graphql/schema.graphql.

With --check, exit 1 when the committed file differs from the code (for CI).
"""

from __future__ import annotations

import sys
from pathlib import Path

from returns_api.schema import sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def main(argv: list[str]) -> int:
    text = sdl()
    if "--check" in argv:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is out of date: run python -m returns_api.export_schema", file=sys.stderr)
            return 1
        return 0
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
