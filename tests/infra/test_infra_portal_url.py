"""The portal's URL reaches the email-sending functions through an SSM parameter: by name in their
environment, readable by their roles, with no dependency cycle (the distribution has the HTTP API,
whose routes target the functions, as an origin)."""

from __future__ import annotations

from typing import Any

import pytest

from returns_devstack import template as tpl

from .conftest import TEMPLATE
from .test_infra_template import DOMAIN_FUNCTIONS, actions, statements

NAME = "/returns/${AWS::StackName}/portal-url"
ARN = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + NAME


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


def _mailers(cfn: dict[str, Any]) -> set[str]:
    return {lid for lid, r in cfn["Resources"].items() if r["Type"] == "AWS::Lambda::Function"
            and any("ses:SendEmail" in actions(s) for s in statements(cfn, f"{lid}Role"))}


def test_the_parameter_holds_the_distribution_s_portal_unless_a_custom_url_is_given(cfn):
    parameter = cfn["Resources"]["PortalUrlParameter"]
    assert parameter["Type"] == "AWS::SSM::Parameter"
    props = parameter["Properties"]
    assert props["Name"] == {"Fn::Sub": NAME} and props["Type"] == "String"
    assert props["Value"] == {"Fn::If": ["HasPortalUrl", {"Ref": "PortalUrl"},
                                         {"Fn::Sub": "https://${WebDistribution.DomainName}/portal/"}]}
    assert cfn["Parameters"]["PortalUrl"]["Default"] == ""


def test_every_function_that_mails_customers_names_the_parameter_and_may_read_only_it(cfn):
    mailers = _mailers(cfn)
    assert mailers == set(DOMAIN_FUNCTIONS)  # request, screening, label (and resends), refund, mail (replies)
    for lid in mailers:
        env = cfn["Resources"][lid]["Properties"]["Environment"]["Variables"]
        assert env["PORTAL_URL_PARAMETER"] == {"Fn::Sub": NAME}, lid  # a plain name: no Ref, no GetAtt
        reads = [s for s in statements(cfn, f"{lid}Role") if any(a.startswith("ssm:") for a in actions(s))]
        assert [(actions(s), s["Resource"]) for s in reads] == [(["ssm:GetParameter"], {"Fn::Sub": ARN})], lid
    gateway = cfn["Resources"]["GraphQLFunction"]["Properties"]["Environment"]["Variables"]
    assert "PORTAL_URL_PARAMETER" not in gateway


def test_no_function_refers_to_the_parameter_or_the_distribution(cfn):
    for lid in (*DOMAIN_FUNCTIONS, *(f"{f}Role" for f in DOMAIN_FUNCTIONS)):
        assert not tpl.resource_references(cfn["Resources"][lid]) & {"PortalUrlParameter", "WebDistribution"}


def _graph(cfn: dict[str, Any]) -> dict[str, set[str]]:
    """Who refers to whom after the SAM transform (cfn-lint does not see these cycles: it reports
    none even for the distribution's domain put straight into the label function's environment)."""
    resources = cfn["Resources"]
    return {lid: tpl.resource_references(body) & resources.keys() for lid, body in resources.items()}


def test_no_dependency_cycle_runs_through_the_parameter_or_a_mailing_function(cfn):
    graph = _graph(cfn)
    # the chain the parameter breaks: parameter -> distribution -> API -> the webhook's function
    assert "WebDistribution" in _reachable(graph, "PortalUrlParameter")
    assert "HttpApi" in _reachable(graph, "WebDistribution")
    assert "LabelFunction" in _reachable(graph, "HttpApi")
    for lid in ("PortalUrlParameter", *DOMAIN_FUNCTIONS, *(f"{f}Role" for f in DOMAIN_FUNCTIONS)):
        assert lid not in _reachable(graph, lid), f"{lid} depends on itself"


def test_the_template_has_no_dependency_cycle(cfn):
    """CloudFormation refuses a cycle at deploy time; cfn-lint does not see these (after the SAM
    transform). The app clients' callback URLs name the distribution, so the gateway reads their ids
    from a parameter too (AppClientsParameter)."""
    graph = _graph(cfn)
    assert [lid for lid in graph if lid in _reachable(graph, lid)] == []


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen
