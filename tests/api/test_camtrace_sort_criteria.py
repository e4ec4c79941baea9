"""CamTrace sort criteria (`/api/v1.2/regex`) over the real node: the document's examples, exactly
one default at all times, every validation error with its message, rights."""

import pytest

from tests.api.conftest import ADMIN, CONSULT

URL = "/api/v1.2/regex"
DOC_PATTERN = "([-]*)-([^-]*)-([^-]*)-([^_]*)_([^_]*)_([^ ]*) ([^_]*)"


def create(client, name, group, default=None, pattern=DOC_PATTERN):
    body = {"name": name, "params": {"value": pattern, "group": group}}
    if default is not None:
        body["default"] = default
    response = client.post(URL, json={"regex": body}, auth=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()["regex"]


def listed(client, auth=ADMIN):
    response = client.get(URL, auth=auth)
    assert response.status_code == 200, response.text
    return response.json()["regex"]


def defaults(client):
    return [c["id"] for c in listed(client) if c["default"]]


def test_documented_examples(client):
    create(client, "Critères 1", [6, 7])
    create(client, "Critères 2", [2, 1], default=True)
    created = client.post(URL, json={"regex": {"name": "Critères 3", "params": {"value": DOC_PATTERN, "group": [3, 4]}}},
                          auth=ADMIN)
    assert created.status_code == 201
    assert created.json() == {"regex": {"id": 3, "name": "Critères 3", "default": False,
                                        "params": {"value": DOC_PATTERN, "group": [3, 4]}}}
    assert listed(client)[:2] == [
        {"id": 1, "name": "Critères 1", "default": False, "params": {"value": DOC_PATTERN, "group": [6, 7]}},
        {"id": 2, "name": "Critères 2", "default": True, "params": {"value": DOC_PATTERN, "group": [2, 1]}}]
    updated = client.put(f"{URL}/3", json={"regex": {"params": {"value": DOC_PATTERN, "group": [3, 5]}}}, auth=ADMIN)
    assert updated.status_code == 200
    assert updated.json() == {"regex": {"id": 3, "name": "Critères 3", "default": False,
                                        "params": {"value": DOC_PATTERN, "group": [3, 5]}}}
    deleted = client.delete(f"{URL}/3", auth=ADMIN)
    assert deleted.status_code == 204 and deleted.content == b""
    assert [c["id"] for c in listed(client)] == [1, 2]


def test_exactly_one_default_at_all_times(client):
    assert listed(client) == []
    first = create(client, "first", [1], default=False)
    assert first["default"] is True                       # the first criterion is the default whatever it asks
    second = create(client, "second", [2])
    assert second["default"] is False and defaults(client) == [first["id"]]
    third = create(client, "third", [3], default=True)    # a new default takes the mark
    assert third["default"] is True and defaults(client) == [third["id"]]
    assert client.put(f"{URL}/{second['id']}", json={"regex": {"default": True}}, auth=ADMIN).json()["regex"][
        "default"] is True
    assert defaults(client) == [second["id"]]
    # un-defaulting or deleting the default is refused while others exist
    refused = client.put(f"{URL}/{second['id']}", json={"regex": {"default": False}}, auth=ADMIN)
    assert refused.status_code == 409
    assert refused.json() == {"error": f"Sort criterion {second['id']} is the default; make another criterion the "
                                       "default instead"}
    refused = client.delete(f"{URL}/{second['id']}", auth=ADMIN)
    assert refused.status_code == 409 and "before deleting it" in refused.json()["error"]
    assert defaults(client) == [second["id"]]
    # setting default false on another one, or true again on the default, changes nothing
    assert client.put(f"{URL}/{first['id']}", json={"regex": {"default": False}}, auth=ADMIN).status_code == 200
    assert client.put(f"{URL}/{second['id']}", json={"regex": {"default": True}}, auth=ADMIN).status_code == 200
    assert defaults(client) == [second["id"]]
    for other in (first, third):
        assert client.delete(f"{URL}/{other['id']}", auth=ADMIN).status_code == 204
    assert client.delete(f"{URL}/{second['id']}", auth=ADMIN).status_code == 204   # the last one may go
    assert listed(client) == []
    assert create(client, "again", [1])["default"] is True


def test_a_second_default_cannot_exist_even_written_directly(client, node):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from camvault.store.tables import sort_criteria

    create(client, "one", [1])
    with pytest.raises(IntegrityError), node.store.engine.begin() as conn:
        conn.execute(insert(sort_criteria).values(name="two", pattern="(a)", groups="1", is_default=True))


def test_update_changes_only_what_is_given(client):
    made = create(client, "Nom", [6, 7])
    renamed = client.put(f"{URL}/{made['id']}", json={"name": "  Autre  "}, auth=ADMIN)   # a bare object is fine
    assert renamed.json()["regex"] == {**made, "name": "Autre"}
    replaced = client.put(f"{URL}/{made['id']}", json={"regex": {"params": {"value": "(x)(y)", "group": [2]}}},
                          auth=ADMIN)
    assert replaced.json()["regex"]["params"] == {"value": "(x)(y)", "group": [2]}


@pytest.mark.parametrize(("body", "message"), [
    ({"name": "x", "params": {"value": "(", "group": [1]}},
     "Invalid regular expression: missing ), unterminated subpattern at position 0"),
    ({"name": "x", "params": {"value": DOC_PATTERN, "group": [6, 8]}},
     "Group 8 does not exist: the regular expression has 7 group(s)"),
    ({"name": "x", "params": {"value": "abc", "group": [1]}}, "The regular expression must contain at least one group"),
    ({"name": "x", "params": {"value": "(a)", "group": []}}, "'group' must be a list of 1 to 32 group indexes"),
    ({"name": "x", "params": {"value": "(a)", "group": "1"}}, "'group' must be a list of 1 to 32 group indexes"),
    ({"name": "x", "params": {"value": "(a)"}}, "'group' must be a list of 1 to 32 group indexes"),
    ({"name": "x", "params": {"group": [1]}}, "'value' must be a regular expression of 1 to 500 characters"),
    ({"name": "x"}, "'params' must be an object {\"value\": \"<regular expression>\", \"group\": [1, ...]}"),
    ({"name": "x", "params": [1]}, "'params' must be an object {\"value\": \"<regular expression>\", \"group\": [1, ...]}"),
    ({"params": {"value": "(a)", "group": [1]}}, "'name' must be a text of 1 to 200 characters"),
    ({"name": " ", "params": {"value": "(a)", "group": [1]}}, "'name' must be a text of 1 to 200 characters"),
    ({"name": "x", "default": "yes", "params": {"value": "(a)", "group": [1]}}, "'default' must be true or false"),
])
def test_create_errors(client, body, message):
    response = client.post(URL, json={"regex": body}, auth=ADMIN)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert listed(client) == []


def test_update_errors_leave_the_criterion_as_it_was(client):
    made = create(client, "Nom", [6, 7])
    for body in ({"params": {"value": DOC_PATTERN, "group": [9]}}, {"params": {"value": "(a", "group": [1]}},
                 {"params": {"value": "(a)"}}, {"name": None}, {"name": ""}, {"default": 1}):
        assert client.put(f"{URL}/{made['id']}", json={"regex": body}, auth=ADMIN).status_code == 400, body
    assert listed(client) == [made]
    assert client.put(f"{URL}/{made['id']}", content=b"{", auth=ADMIN).status_code == 400


def test_errors_are_translated(client):
    response = client.post(URL, json={"regex": {"name": "x", "params": {"value": "(a)(b)", "group": [3]}}},
                           auth=ADMIN, headers={"Accept-Language": "fr"})
    assert response.json() == {"error": "Le groupe 3 n'existe pas : l'expression régulière a 2 groupe(s)"}


def test_unknown_ids_are_404(client):
    for path in (f"{URL}/99", f"{URL}/abc", f"{URL}/-1"):
        assert client.put(path, json={"regex": {"name": "x"}}, auth=ADMIN).status_code == 404
        assert client.delete(path, auth=ADMIN).status_code == 404
    assert client.delete(f"{URL}/99", auth=ADMIN).json() == {"error": "Sort criterion 99 not found"}


def test_every_user_lists_only_admins_change(client):
    made = create(client, "Nom", [6, 7])
    assert listed(client, auth=CONSULT) == [made]
    body = {"regex": {"name": "x", "params": {"value": "(a)", "group": [1]}}}
    assert client.post(URL, json=body, auth=CONSULT).status_code == 403
    assert client.put(f"{URL}/{made['id']}", json=body, auth=CONSULT).status_code == 403
    assert client.delete(f"{URL}/{made['id']}", auth=CONSULT).status_code == 403
    assert client.get(URL).status_code == 401
    assert listed(client) == [made]
