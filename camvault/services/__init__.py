"""Use cases shared by every dialect. A service never knows which dialect called it; it takes a
`core.model.User` for rights and raises `core.errors` for refusals."""
