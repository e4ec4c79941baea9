"""Alembic migrations of the camvault schema, run at startup by `store.db.migrate`."""
