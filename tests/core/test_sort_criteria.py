"""Sort criteria as pure functions: which patterns and group lists are accepted, and the order they
give camera names (the document's pattern, numbers compared as numbers, non-matching names last)."""

import pytest

from camvault.core.errors import BadRequest
from camvault.core.sort_criteria import (
    SortCriterion,
    checked_params,
    natural_key,
    sorted_names,
)

DOC_PATTERN = "([-]*)-([^-]*)-([^-]*)-([^_]*)_([^_]*)_([^ ]*) ([^_]*)"


def rule(pattern, groups):
    return SortCriterion(1, "c", pattern, tuple(groups), True)


def test_the_documented_pattern_and_groups_are_accepted():
    assert checked_params(DOC_PATTERN, [6, 7]) == (DOC_PATTERN, (6, 7))
    assert checked_params(DOC_PATTERN, [2, 1]) == (DOC_PATTERN, (2, 1))
    assert checked_params(r"(?P<site>\w+)-(\d+)", [2, 1, 2]) == (r"(?P<site>\w+)-(\d+)", (2, 1, 2))


@pytest.mark.parametrize(("value", "groups", "key"), [
    ("(", [1], "regex_invalid"),
    ("a[b", [1], "regex_invalid"),
    (r"(\p{L}+)", [1], "regex_invalid"),                 # PCRE-only syntax
    ("(?<site>a)", [1], "regex_invalid"),                # PCRE named group; Python wants (?P<site>...)
    ("([[:digit:]]+)", [1], "regex_invalid"),            # POSIX class: Python would read it differently
    ("abc", [1], "regex_no_group"),
    ("(a)(b)", [3], "regex_group_missing"),
    ("(a)(b)", [0], "regex_group_missing"),
    ("(a)(b)", [-1], "regex_group_missing"),
    ("(a)", [], "regex_groups_invalid"),
    ("(a)", None, "regex_groups_invalid"),
    ("(a)", 1, "regex_groups_invalid"),
    ("(a)", ["1"], "regex_groups_invalid"),
    ("(a)", [True], "regex_groups_invalid"),
    ("(a)", [1.0], "regex_groups_invalid"),
    ("(a)", [1] * 33, "regex_groups_invalid"),
    ("", [1], "regex_value_invalid"),
    (None, [1], "regex_value_invalid"),
    (12, [1], "regex_value_invalid"),
    ("(a)" * 200, [1], "regex_value_invalid"),
])
def test_bad_patterns_and_group_lists_are_refused(value, groups, key):
    with pytest.raises(BadRequest) as caught:
        checked_params(value, groups)
    assert caught.value.key == key


def test_a_missing_group_names_the_index_and_the_count():
    with pytest.raises(BadRequest) as caught:
        checked_params(DOC_PATTERN, [6, 8])
    assert caught.value.params == {"index": 8, "count": 7}
    assert "Group 8" in caught.value.message


def test_the_documented_pattern_orders_by_its_groups_numbers_as_numbers():
    names = ["PARIS-NORD-B2-HALL_CAM_10 Entree", "PARIS-NORD-B2-HALL_CAM_2 Sortie", "Parking",
             "PARIS-NORD-B2-HALL_CAM_2 Entree", "LYON-SUD-B1-QUAI_CAM_1 Zone", "Accueil"]
    assert sorted_names(names, rule(DOC_PATTERN, [6, 7])) == [
        "LYON-SUD-B1-QUAI_CAM_1 Zone", "PARIS-NORD-B2-HALL_CAM_2 Entree", "PARIS-NORD-B2-HALL_CAM_2 Sortie",
        "PARIS-NORD-B2-HALL_CAM_10 Entree", "Accueil", "Parking"]     # names that do not match come last
    assert sorted_names(names, rule(DOC_PATTERN, [7, 6])) == [
        "PARIS-NORD-B2-HALL_CAM_2 Entree", "PARIS-NORD-B2-HALL_CAM_10 Entree", "PARIS-NORD-B2-HALL_CAM_2 Sortie",
        "LYON-SUD-B1-QUAI_CAM_1 Zone", "Accueil", "Parking"]


def test_group_order_decides_and_text_ignores_case():
    names = ["b-2", "A-10", "a-2", "B-1"]
    assert sorted_names(names, rule(r"(\w)-(\d+)", [2, 1])) == ["B-1", "a-2", "b-2", "A-10"]
    assert sorted_names(names, rule(r"(\w)-(\d+)", [1, 2])) == ["a-2", "A-10", "B-1", "b-2"]


def test_unanchored_search_and_an_optional_group_that_did_not_take_part():
    names = ["east 3", "west 12", "zone west 2", "x"]
    # "zone west 2" matches from its 6th character; "east 3" matches without group 1, which sorts first
    assert sorted_names(names, rule(r"(west )?(\d+)", [1, 2])) == ["east 3", "zone west 2", "west 12", "x"]


def test_without_a_criterion_names_are_in_natural_order():
    assert sorted_names(["Cam 10", "cam 9", "Cam 1", "Allée"], None) == ["Allée", "Cam 1", "cam 9", "Cam 10"]
    assert natural_key("Cam 010") == natural_key("cam 10")
    assert natural_key("") == ()
