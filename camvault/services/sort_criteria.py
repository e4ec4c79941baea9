"""Sort criteria (`/api/v1.2/regex`): every user may list them, only admins change them.

Exactly one criterion is the default whenever any exists: the first one created is the default
whatever it asks; making another one the default (create or update with `default` true) takes the
mark from the old one; un-defaulting or deleting the default is refused (Conflict) while other
criteria exist (make another one the default instead); the last criterion may be deleted, folders
then sort camera names in natural order. Patterns are checked by `core.sort_criteria.checked_params`.
Thread-safe (stateless over the store).
"""

from __future__ import annotations

import logging

from camvault.core.errors import BadRequest, Conflict, NotFound
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.core.sort_criteria import SortCriterion, checked_params
from camvault.store.sort_criteria import DefaultRace, SortCriterionRepo

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 200


class SortCriterionService:
    def __init__(self, repo: SortCriterionRepo) -> None:
        self._repo = repo

    # --- queries --------------------------------------------------------------------------------
    def list(self, _user: User) -> list[SortCriterion]:
        return self._repo.list()

    def get(self, criterion_id: int) -> SortCriterion | None:
        return self._repo.get(criterion_id)

    def default(self) -> SortCriterion | None:
        return self._repo.default()

    # --- changes (admin) ------------------------------------------------------------------------
    def create(self, user: User, *, name: object, value: object, groups: object,
               default: bool = False) -> SortCriterion:
        require_admin(user)
        clean_name = _name(name)
        pattern, indexes = checked_params(value, groups)
        try:
            created = self._repo.insert(clean_name, pattern, indexes, make_default=default)
        except DefaultRace:
            raise _race() from None
        log.info("sort criterion %s %r created by %s", created.id, created.name, user.name)
        return created

    def update(self, user: User, criterion_id: int, *, name: object = None,
               params: tuple[object, object] | None = None, default: bool | None = None) -> SortCriterion:
        """Change the given fields; `params` (value, groups) replaces both together."""
        require_admin(user)
        current = self._existing(criterion_id)
        clean_name = None if name is None else _name(name)
        pattern, indexes = checked_params(*params) if params is not None else (None, None)
        if default is False and current.is_default:
            raise Conflict(f"Sort criterion {criterion_id} is the default; make another criterion the default instead",
                           key="regex_default_required", id=criterion_id)
        try:
            updated = self._repo.update(criterion_id, name=clean_name, pattern=pattern, groups=indexes,
                                        make_default=bool(default))
        except DefaultRace:
            raise _race() from None
        if updated is None:
            raise _not_found(criterion_id)
        log.info("sort criterion %s updated by %s", criterion_id, user.name)
        return updated

    def delete(self, user: User, criterion_id: int) -> None:
        require_admin(user)
        current = self._existing(criterion_id)
        if current.is_default and len(self._repo.list()) > 1:
            raise Conflict(f"Sort criterion {criterion_id} is the default; make another criterion the default "
                           "before deleting it", key="regex_default_delete", id=criterion_id)
        if not self._repo.delete(criterion_id):
            raise _not_found(criterion_id)
        log.info("sort criterion %s deleted by %s", criterion_id, user.name)

    def _existing(self, criterion_id: int) -> SortCriterion:
        found = self._repo.get(criterion_id)
        if found is None:
            raise _not_found(criterion_id)
        return found


def _name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(text) <= MAX_NAME_CHARS:
        raise BadRequest(f"'name' must be a text of 1 to {MAX_NAME_CHARS} characters", key="regex_name_invalid",
                         max=MAX_NAME_CHARS)
    return text


def _not_found(criterion_id: int) -> NotFound:
    return NotFound(f"Sort criterion {criterion_id} not found", key="regex_not_found", id=criterion_id)


def _race() -> Conflict:
    return Conflict("The default sort criterion was changed at the same time; try again", key="regex_default_race")
