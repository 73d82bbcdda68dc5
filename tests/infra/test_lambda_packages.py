"""Each Lambda package carries what its function imports, and no more.

The packages are rebuilt offline from .venv with exactly the distributions `sam build` installs
(returns_devstack.lambda_packages): each handler is imported (the gateway also serves its event) in
a fresh, isolated interpreter that sees only its package and its layer, the lazily imported
libraries its paths use are imported too, and the heavy ones other functions use are absent. The
sizes are held under the issue's ceilings (unzipped, host wheels; the arm64 ones differ by a few %).
When a real `make sam-build` is there (.aws-sam/build, not made by `make test`: it needs PyPI), its
artifacts are checked against the same lists.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from returns_devstack import lambda_packages, lambda_requirements
from returns_devstack.bench_cold import LAMBDA_ENVIRONMENT

REPO = Path(__file__).resolve().parents[2]
MB = 1_000_000
CEILINGS = {"GraphQLFunction": 60 * MB, "SharedLayer": 60 * MB}  # issue 12: from 127 and 105 MB
OTHERS_LIBRARIES = {  # imported lazily by the paths of some functions only: nobody else ships them
    "phonenumbers", "email_validator", "disposable_email_domains", "holidays",
    "reportlab", "PIL", "easypost", "stripe", "babel", "mailparser_reply", "inscriptis", "lxml",
}
# Every worker writes customer emails: in each language, from the layer's catalogues and trimmed CLDR data.
EMAILS = """
import sys
assert "babel" not in sys.modules, "Babel loads with the first email, not at cold start"
from datetime import datetime
from returns_shared.domain.money import Money
from returns_shared.notifications.translation import translator
for language in ("en", "fr", "de", "es", "it", "ja"):
    t = translator(language)
    assert t.country("US") != "US" and t.money(Money.of("45", "USD")) and t.day(datetime.now())
assert translator("fr").money(Money.of("45", "USD")) == "45,00\u00a0$US"
assert translator("ja").gettext("Hello {name},", name="A") == "A 様"
"""
EXERCISE = {
    "GraphQLFunction": """
import json, jwt.algorithms
from returns_api.iso_codes import country_codes, currency_codes
from returns_api.lambda_handler import handler
class Context:
    aws_request_id = "test"; function_name = "gateway"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:gateway"
answer = handler(json.loads(open(EVENT).read()), Context())
assert answer["statusCode"] == 200 and '"version"' in answer["body"], answer
assert jwt.algorithms.has_crypto  # RS256 (Cognito) tokens can be verified
assert "US" in country_codes() and "EUR" in currency_codes()
""",
    "RequestFunction": "import app\n" + EMAILS,
    "ScreeningFunction": """
from datetime import date
import app
from returns_shared.policy import schedules, screening
from returns_shared.policy.document import load_policy
assert screening.phone_valid("+1 212 555 0123", "US") and not screening.phone_valid("123", "US")
assert screening.is_disposable_domain("mailinator.com")
import email_validator
assert not schedules.is_business_day(date(2026, 12, 25), policy=load_policy())
""" + EMAILS,
    "LabelFunction": """
import app, easypost, reportlab.pdfgen.canvas, PIL.Image
from returns_shared.adapters import carrier_local, easypost_carrier
""" + EMAILS,
    "RefundFunction": """
import app, stripe
from returns_shared.adapters import stripe_payments
""" + EMAILS,
    "MailFunction": """
import app
from returns_shared.notifications.reading import read_email
raw = (b"From: Jane <jane@example.com>\\r\\nTo: cs@allegra-k.com\\r\\nSubject: RMA-0123456789\\r\\n"
       b"Content-Type: text/html; charset=utf-8\\r\\n\\r\\n"
       b"<p>The seam is torn</p><blockquote>old</blockquote>")
read = read_email(raw)
assert read.text == "The seam is torn" and read.html_only, read
quoted = b"From: jane@example.com\\r\\n\\r\\nThanks!\\n\\nOn Mon, X wrote:\\n> old\\n"
assert read_email(quoted).text == "Thanks!"
""",
}
NEEDS = {
    "GraphQLFunction": set(),
    "RequestFunction": {"babel"},
    "ScreeningFunction": {"phonenumbers", "email_validator", "disposable_email_domains", "holidays", "babel"},
    "LabelFunction": {"reportlab", "PIL", "easypost", "babel"},
    "RefundFunction": {"stripe", "babel"},
    "MailFunction": {"mailparser_reply", "inscriptis", "lxml", "babel"},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    target = tmp_path_factory.mktemp("lambda-packages")
    return {name: lambda_packages.assemble(package, target)
            for name, package in lambda_packages.packages().items()}


@pytest.mark.parametrize("name", sorted(EXERCISE))
def test_each_handler_imports_from_its_package_and_layer_alone(built, name):
    package = lambda_packages.packages()[name]
    path = [built[name]] + ([built[package.layer]] if package.layer else [])
    absent = sorted(OTHERS_LIBRARIES - NEEDS[name])
    code = (
        f"import sys\nsys.path[:0] = {[str(p) for p in path]!r}\n"
        f"EVENT = {str(REPO / 'events/graphql/http_api_v2_request.json')!r}\n"
        + EXERCISE[name]
        + "\nimport importlib.util\n"
        + f"present = [m for m in {absent!r} if importlib.util.find_spec(m) is not None]\n"
        + "assert not present, f'ships what another function uses: {present}'\n"
        + "outside = [m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)"
        + " and 'site-packages' in m.__file__]\n"
        + "assert not outside, outside[:5]\n"
    )
    # -I -S: no site-packages, no user site, no PYTHON* variables: the package and the stdlib only
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=built[name], timeout=120,
                            env=LAMBDA_ENVIRONMENT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def test_function_requirements_and_constraints_are_the_lock_s():
    for function in lambda_requirements.FUNCTION_EXTRAS:
        written = (REPO / "functions" / function / "requirements.txt").read_text()
        expected = lambda_requirements.requirements_text(function)
        assert written == expected, f"run `make lambda-constraints` ({function})"
    assert (REPO / "lambda-constraints.txt").read_text() == lambda_requirements.constraints_text(), (
        "run `make lambda-constraints`")


def test_every_function_makefile_installs_its_requirements():
    for function in lambda_requirements.FUNCTION_EXTRAS:
        makefile = (REPO / "functions" / function / "Makefile").read_text()
        assert "include $(MAKEFILE_DIR)../../lambda-build.mk" in makefile
        assert "$(call install-function-requirements,$(MAKEFILE_DIR)requirements.txt)" in makefile


def test_the_builds_keep_the_model_of_every_aws_service_the_code_calls():
    used = set()
    for source in [*(REPO / "shared/src").rglob("*.py"), *(REPO / "graphql/src").rglob("*.py")]:
        text = source.read_text()
        used |= set(re.findall(r"(?:LazyClient|client)\(\s*\"([a-z0-9-]+)\"", text))
        if "parameters.get_secret" in text:
            used.add("secretsmanager")  # Powertools Parameters
    assert used >= {"dynamodb", "lambda", "events"}  # the scan finds the clients at all
    assert used <= lambda_packages.botocore_services(), "add the service to BOTOCORE_SERVICES"


def test_the_layer_keeps_babels_cldr_data_of_the_emails_languages_only(built):
    from returns_shared.domain.languages import LANGUAGES

    assert lambda_packages.babel_locales() == {"root", *LANGUAGES}
    kept = sorted(p.stem for p in (built["SharedLayer"] / "babel" / "locale-data").glob("*.dat"))
    assert kept == sorted({"root", *LANGUAGES})
    sizes = lambda_packages.size_bytes(lambda_packages.packages()["SharedLayer"])
    assert sizes["babel"] < 6 * MB, sizes["babel"]  # ~36 MB with every locale


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_package_sizes_stay_under_their_ceilings(name):
    sizes = lambda_packages.size_bytes(lambda_packages.packages()[name])
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    assert sum(sizes.values()) <= CEILINGS[name], json.dumps(largest)


@pytest.mark.skipif(not lambda_packages.SAM_BUILD.is_dir(), reason="no `make sam-build` here (needs PyPI)")
@pytest.mark.parametrize("name", sorted(lambda_packages.packages()))
def test_a_real_sam_build_carries_exactly_the_listed_distributions(name):
    package = lambda_packages.packages()[name]
    sizes = lambda_packages.built_size_bytes(name)
    assert sizes is not None, f"{name} is missing from {lambda_packages.SAM_BUILD}"
    shipped = {re.sub(r"-[^-]+\.dist-info$", "", entry).lower().replace("_", "-")
               for entry in sizes if entry.endswith(".dist-info")}
    assert shipped == package.distributions | set(package.workspace)
    assert sum(sizes.values()) <= CEILINGS.get(name, 250 * MB)
