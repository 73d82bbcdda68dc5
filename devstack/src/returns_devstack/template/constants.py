"""Names the template's readers share: where the template is, the code placeholder bucket."""

from __future__ import annotations

from pathlib import Path

TEMPLATE_FILENAME = "template.yaml"

#: S3 bucket named in the placeholders that replace local CodeUri/ContentUri/DefinitionUri.
CODE_BUCKET = "returns-local-code"

PSEUDO_ACCOUNT_ID = "123456789012"  # moto's default account; the real one comes from the stack id


def find_template(start: Path | None = None) -> Path:
    """The repository's template.yaml: searched upwards from this package, then from the cwd."""
    starts = [Path(__file__).resolve().parent, Path.cwd().resolve()] if start is None else [start]
    for origin in starts:
        for directory in (origin, *origin.parents):
            candidate = directory / TEMPLATE_FILENAME
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"no {TEMPLATE_FILENAME} above {', '.join(map(str, starts))}")
