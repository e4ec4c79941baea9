"""Sort criteria: a regular expression whose groups, taken in a given order, make the sort key of a
camera name (CamTrace "Sort criteria", `/api/v1.2/regex`). Pure functions, no I/O.

A name is matched with `re.search` (unanchored, as PCRE's `preg_match`); the key is the listed
groups in order, each compared in natural order: runs of digits as numbers, the rest as text
ignoring case ("Cam 9" < "Cam 10"). Names the pattern does not match come after the names it
matches, in natural order of the whole name. Without any criterion, names are in natural order.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from camvault.core.errors import BadRequest

MAX_PATTERN_CHARS = 500
MAX_GROUP_INDEXES = 32
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class SortCriterion:
    """A named sort rule; exactly one criterion is the server default whenever any exists."""

    id: int
    name: str
    pattern: str
    groups: tuple[int, ...]
    is_default: bool = False


def checked_params(value: Any, groups: Any) -> tuple[str, tuple[int, ...]]:
    """(pattern, group indexes) once `value` is a valid Python regular expression with at least one
    group and `groups` a non-empty list of indexes of its groups (1 = the first group); BadRequest
    otherwise. A construct Python reads differently from PCRE, with a warning (`[[:digit:]]`), is
    refused too."""
    if not isinstance(value, str) or not value or len(value) > MAX_PATTERN_CHARS:
        raise BadRequest(f"'value' must be a regular expression of 1 to {MAX_PATTERN_CHARS} characters",
                         key="regex_value_invalid", max=MAX_PATTERN_CHARS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            pattern = re.compile(value)
        except (re.error, Warning) as exc:
            raise BadRequest(f"Invalid regular expression: {exc}", key="regex_invalid", detail=str(exc)) from None
    if pattern.groups == 0:
        raise BadRequest("The regular expression must contain at least one group", key="regex_no_group")
    if (not isinstance(groups, list) or not 1 <= len(groups) <= MAX_GROUP_INDEXES
            or not all(type(g) is int for g in groups)):
        raise BadRequest(f"'group' must be a list of 1 to {MAX_GROUP_INDEXES} group indexes",
                         key="regex_groups_invalid", max=MAX_GROUP_INDEXES)
    for index in groups:
        if not 1 <= index <= pattern.groups:
            raise BadRequest(f"Group {index} does not exist: the regular expression has {pattern.groups} group(s)",
                             key="regex_group_missing", index=index, count=pattern.groups)
    return value, tuple(groups)


def natural_key(text: str) -> tuple:
    """Digit runs as numbers, other runs as case-folded text; empty text sorts first."""
    return tuple((0, int(part), "") if part.isdecimal() else (1, 0, part.casefold())
                 for part in _DIGITS.split(text) if part)


def name_key_function(criterion: SortCriterion | None) -> Callable[[str], tuple]:
    """The sort key of camera names under `criterion` (None: natural order of the whole name)."""
    if criterion is None:
        return lambda name: (0, natural_key(name), name)
    pattern = re.compile(criterion.pattern)
    groups = criterion.groups

    def key(name: str) -> tuple:
        match = pattern.search(name)
        if match is None:
            return (1, natural_key(name), name)
        return (0, tuple(natural_key(match.group(i) or "") for i in groups), natural_key(name), name)

    return key


def sorted_names(names: list[str], criterion: SortCriterion | None) -> list[str]:
    """`names` in the order `criterion` gives them."""
    return sorted(names, key=name_key_function(criterion))
