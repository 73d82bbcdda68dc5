"""`make translations`: the gettext catalogues of the customer emails and of the pages, with Babel.

Two catalogues (domains), each a template and one `.po` per language under `translations/`:

- `emails`: the strings of `returns_shared/notifications` (`t.gettext`, `t.ngettext`, `N_`), compiled
  to `notifications/locales/<language>/LC_MESSAGES/emails.mo`, which are committed: the package
  ships them as they are, with no build step (tests/i18n fail when one is stale);
- `web`: the strings of the customer's pages (`t()`, `tn()`, `tx()`, `N_()` in web/shared and web/portal)
  and the explanations of the policy's clauses (their English text, from policy_document.json),
  exported as `web/shared/locales/<language>.json` for web/shared/i18n.js, plural forms by CLDR
  category (`one`, `many`, `other`, as `Intl.PluralRules` names them).

Each run: `pybabel extract` -> `pybabel update` (new strings appear untranslated, changed ones fuzzy:
neither is shipped, and tests/i18n fail until a translator fills them) -> `pybabel compile` and the
JSON export. A new language: add it to domain/languages.py LANGUAGES, `pybabel init` its two `.po`
files (`python -m returns_devstack.translations init <language>`), translate, run this.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from babel.plural import _plural_tags

from returns_shared.domain.languages import ENGLISH, LANGUAGES

REPO = Path(__file__).resolve().parents[3]
SOURCES = REPO / "translations"
TRANSLATED = tuple(language for language in LANGUAGES if language != ENGLISH)
EMAILS_MO = REPO / "shared/src/returns_shared/notifications/locales"
WEB_JSON = REPO / "web/shared/locales"
KEYWORDS = ("N_", "t", "tn:1,2", "tx")  # besides Babel's own (gettext, ngettext, _ ...): the pages' names
POLICY_DOCUMENT = "shared/src/returns_shared/policy/policy_document.json"
DOMAINS = ("emails", "web")


def template(domain: str) -> Path:
    return SOURCES / domain / f"{domain}.pot"


def po_file(domain: str, language: str) -> Path:
    return SOURCES / domain / f"{language}.po"


def mo_file(language: str) -> Path:
    return EMAILS_MO / language / "LC_MESSAGES" / "emails.mo"


def extract_policy_clauses(fileobj: IO[bytes], keywords: object, comment_tags: object,
                           options: object) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor (babel-web.cfg) of the policy document: each clause's English text is a
    message, its id the translators' comment. The English text stays the binding version; the
    translations are explanations (the pages say so)."""
    document = json.load(fileobj)
    for clause in document["clauses"]:
        yield 0, None, clause["text"], [f"Policy clause {clause['id']}: translated as an explanation."]


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *arguments])  # type: ignore[no-untyped-call]


def extract(target: Path = SOURCES) -> None:
    """The two templates from the sources (into `target`: the tests extract into a scratch folder)."""
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    common = ["--no-location", "--sort-output", "--omit-header", "-c", "Translators:", "--width", "100"]
    with contextlib.chdir(REPO):  # the mapping files' patterns are relative to the repository
        _pybabel("extract", "-F", str(SOURCES / "babel-emails.cfg"), *keywords, *common,
                 "-o", str(target / "emails" / "emails.pot"), "shared/src/returns_shared/notifications")
        _pybabel("extract", "-F", str(SOURCES / "babel-web.cfg"), *keywords, *common,
                 "-o", str(target / "web" / "web.pot"), "web/shared", "web/portal", POLICY_DOCUMENT)


def update() -> None:
    """`pybabel update` through Babel's API, so that a run that changes no message rewrites no file
    (the CLI stamps every .po, and so every .mo, with the template's new creation date)."""
    for domain in DOMAINS:
        with template(domain).open("rb") as source:
            pot = read_po(source)
        for language in TRANSLATED:
            path = po_file(domain, language)
            with path.open("rb") as source:
                catalog = read_po(source, locale=language)
            catalog.update(pot, update_creation_date=False)
            catalog.obsolete.clear()  # --ignore-obsolete: a string gone from the code leaves the file
            written = io.BytesIO()
            write_po(written, catalog, width=100)
            if written.getvalue() != path.read_bytes():
                path.write_bytes(written.getvalue())


def plural_categories(catalog: Catalog) -> list[str]:
    """The CLDR category of each gettext plural form of the catalogue's language: Babel numbers the
    forms in CLDR's order (zero, one, two, few, many, other) of the categories the language uses."""
    from babel import Locale

    used = Locale.parse(catalog.locale_identifier).plural_form.tags | {"other"}
    return [tag for tag in _plural_tags if tag in used]


def web_messages(catalog: Catalog) -> dict[str, Any]:
    """msgid -> translation (a plural: CLDR category -> form), translated and not fuzzy entries only."""
    categories = plural_categories(catalog)
    messages: dict[str, Any] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = [str(form) for form in message.string or ()]
            if forms and all(forms):
                messages[str(message.id[0])] = dict(zip(categories, forms, strict=True))
        elif isinstance(message.string, str) and message.string:
            messages[str(message.id)] = message.string
    return messages


def web_json(language: str) -> str:
    with po_file("web", language).open("rb") as source:
        catalog = read_po(source, locale=language)
    body = {"language": language, "messages": web_messages(catalog)}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def compile_all() -> None:
    for language in TRANSLATED:
        mo_file(language).parent.mkdir(parents=True, exist_ok=True)
        _pybabel("compile", "-i", str(po_file("emails", language)), "-o", str(mo_file(language)),
                 "-l", language, "--statistics")
        WEB_JSON.mkdir(parents=True, exist_ok=True)
        (WEB_JSON / f"{language}.json").write_text(web_json(language))


def init(language: str) -> None:
    for domain in DOMAINS:
        _pybabel("init", "-i", str(template(domain)), "-o", str(po_file(domain, language)), "-l", language)


def main(argv: list[str]) -> None:
    if argv[:1] == ["init"]:
        init(argv[1])
        return
    extract()
    update()
    compile_all()


if __name__ == "__main__":
    main(sys.argv[1:])
