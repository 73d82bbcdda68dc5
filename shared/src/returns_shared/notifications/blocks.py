"""A tiny document model: each email is written once as blocks, then rendered as plain text and HTML.

Writing the words once keeps the two parts of a multipart email from saying different things.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from returns_shared.notifications.translation import Translator


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Important:
    """A block that must stand out (bold in HTML, marked in text)."""

    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Lines:
    """Lines kept together, e.g. a postal address."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A sentence ending in a link: the address is written out in text and clickable in HTML."""

    text: str
    url: str


Block = Para | Important | Heading | Bullets | Lines | Link


def bullets(items: Sequence[str]) -> Bullets:
    return Bullets(tuple(items))


def lines(items: Sequence[str]) -> Lines:
    return Lines(tuple(items))


def _width(text: str) -> int:
    """Columns a monospaced reader shows: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def render_text(blocks: Sequence[Block], t: Translator) -> str:
    parts: list[str] = []
    for block in blocks:
        match block:
            case Para(text):
                parts.append(text)
            case Important(text):
                parts.append(t.gettext("IMPORTANT: {text}", text=text))
            case Heading(text):
                parts.append(f"{text}\n{'-' * _width(text)}")
            case Bullets(items):
                parts.append("\n".join(f"  - {item}" for item in items))
            case Lines(items):
                parts.append("\n".join(f"    {item}" for item in items))
            case Link(text, url):
                parts.append(f"{text} {url}")
    return "\n\n".join(parts) + "\n"


def render_html(title: str, blocks: Sequence[Block], t: Translator) -> str:
    body: list[str] = []
    for block in blocks:
        match block:
            case Para(text):
                body.append(f"<p>{escape(text)}</p>")
            case Important(text):
                important = t.gettext("Important: {text}", text=text)
                body.append(
                    '<p style="border-left:4px solid #c0392b;padding:8px 12px;background:#fdf2f2">'
                    f"<strong>{escape(important)}</strong></p>"
                )
            case Heading(text):
                body.append(f'<h3 style="margin:20px 0 6px">{escape(text)}</h3>')
            case Bullets(items):
                body.append(
                    "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
                )
            case Lines(items):
                body.append(
                    '<p style="margin-left:16px;font-weight:bold">'
                    + "<br>".join(escape(item) for item in items)
                    + "</p>"
                )
            case Link(text, url):
                body.append(f'<p>{escape(text)} <a href="{escape(url)}">{escape(url)}</a></p>')
    return (
        f'<!DOCTYPE html><html lang="{t.language}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;'
        'color:#222;max-width:640px">'
        + "\n".join(body)
        + "</body></html>"
    )
