from .support import ALICE, Api, FakeReader, auth, make_order, make_return


def test_return_policy_is_public():
    result = Api().gql("{ returnPolicy { version returnWindowDays clauses { id } } }")
    assert "errors" not in result
    assert result["data"]["returnPolicy"]["returnWindowDays"] == 30


def test_customer_reads_own_return_with_its_order():
    order = make_order("O1", ALICE)
    api = Api(FakeReader([order], [make_return("R1", order, label_key="labels/R1.pdf")]))
    result = api.gql(
        '{ return(id: "R1") { id status createdAt quote { total { amount currencyCode } appliedClauses { '
        'id text } }'
        " label { url } order { id email returnability { orderLineId eligible returnDeadline } } } }",
        headers=auth(email=ALICE),
    )
    assert "errors" not in result, result
    ret = result["data"]["return"]
    assert ret["quote"]["total"] == {"amount": "30.00", "currencyCode": "USD"}
    assert ret["label"]["url"] == "https://labels.example/labels/R1.pdf?expires=900"
    assert ret["createdAt"] == "2026-11-25T12:00:00Z"
    assert ret["order"]["returnability"][0]["eligible"] is False  # already held by R1
