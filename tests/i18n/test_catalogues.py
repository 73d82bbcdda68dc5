"""The gettext catalogues: extracted from the code as it is, every message translated in every
language (a missing, fuzzy or incomplete one fails and names itself), placeholders kept, and the
compiled files (.mo for the emails, JSON for the pages) made from the .po as they are."""

from __future__ import annotations

import gettext
import json
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from returns_devstack import translations
from returns_shared.domain.languages import LANGUAGES

DOMAINS = ("emails", "web")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(path, language=None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def ids(catalog: Catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    target = tmp_path_factory.mktemp("pot")
    for domain in DOMAINS:
        (target / domain).mkdir()
    translations.extract(target)
    return target


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_templates_hold_exactly_the_strings_of_the_code(domain, extracted):
    fresh = ids(catalogue(extracted / domain / f"{domain}.pot"))
    committed = ids(catalogue(translations.template(domain)))
    assert fresh == committed, (
        f"run `make translations` and translate the new strings: new {sorted(fresh - committed)[:5]}, "
        f"gone {sorted(committed - fresh)[:5]}"
    )
    assert len(fresh) > 30


def test_every_language_of_the_service_has_a_catalogue_in_each_domain():
    assert LANGUAGES[0] == "en" and {"en", "fr", "de", "es", "it", "ja"} <= set(LANGUAGES)
    assert LANGUAGES[1:] == translations.TRANSLATED  # English is the source language
    for domain in DOMAINS:
        assert sorted(p.stem for p in translations.template(domain).parent.glob("*.po")) == sorted(
            translations.TRANSLATED
        )


@pytest.mark.parametrize("language", translations.TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated_with_its_placeholders(domain, language):
    template = ids(catalogue(translations.template(domain)))
    catalog = catalogue(translations.po_file(domain, language), language)
    plural = get_plural(language)
    assert catalog.num_plurals == plural.num_plurals and catalog.plural_expr == plural.plural_expr
    missing = sorted(str(message_id) for message_id in template - ids(catalog))
    assert not missing, f"{domain}/{language}.po lacks (`make translations`, then translate): {missing[:5]}"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        wanted = set(PLACEHOLDER.findall(singular)) | (
            set(PLACEHOLDER.findall(message.id[1])) if isinstance(message.id, tuple) else set()
        )
        forms = list(message.string) if isinstance(message.id, tuple) else [message.string]
        if message.fuzzy:
            problems.append(f"fuzzy: {singular[:60]!r}")
        elif len(forms) != plural.num_plurals and isinstance(message.id, tuple):
            problems.append(f"{len(forms)} plural forms, not {plural.num_plurals}: {singular[:60]!r}")
        for form in forms:
            if not form:
                problems.append(f"untranslated: {singular[:60]!r}")
            elif set(PLACEHOLDER.findall(form)) != wanted:
                problems.append(
                    f"placeholders {sorted(PLACEHOLDER.findall(form))} != {sorted(wanted)}: {singular[:60]!r}"
                )
            elif form == singular and len(singular.split()) > 2:
                problems.append(f"left in English: {singular[:60]!r}")
    assert not problems, f"{domain}/{language}.po: " + "; ".join(problems[:8])


@pytest.mark.parametrize("language", translations.TRANSLATED)
def test_the_compiled_email_catalogue_is_the_po_as_it_is(language):
    catalog = catalogue(translations.po_file("emails", language), language)
    with translations.mo_file(language).open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    plural_index = gettext.c2py(catalog.plural_expr)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for count in (0, 1, 2, 30, 1_000_000):
                index = plural_index(count)
                assert mo.ngettext(*message.id, count) == message.string[index], (
                    "run `make translations`",
                    message.id,
                )
        else:
            assert mo.gettext(message.id) == message.string, ("run `make translations`", message.id)


@pytest.mark.parametrize("language", translations.TRANSLATED)
def test_the_pages_catalogue_is_the_po_as_it_is(language):
    shipped = (translations.WEB_JSON / f"{language}.json").read_text()
    assert shipped == translations.web_json(language), "run `make translations`"
    body = json.loads(shipped)
    assert body["language"] == language
    assert len(body["messages"]) == len(ids(catalogue(translations.template("web"))))


def test_plural_forms_are_named_by_their_cldr_category():
    assert translations.plural_categories(Catalog(locale="fr")) == ["one", "many", "other"]
    assert translations.plural_categories(Catalog(locale="de")) == ["one", "other"]
    assert translations.plural_categories(Catalog(locale="ja")) == ["other"]
    catalog = Catalog(locale="fr")
    catalog.add(("{count} day", "{count} days"), ("{count} jour", "{count} de jours", "{count} jours"))
    catalog.add("Too small", "Trop petit")
    catalog.add("Fuzzy one", "Flou", flags=["fuzzy"])
    assert translations.web_messages(catalog) == {
        "{count} day": {"one": "{count} jour", "many": "{count} de jours", "other": "{count} jours"},
        "Too small": "Trop petit",
    }
