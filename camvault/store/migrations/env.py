"""Alembic environment: runs migrations on the connection `store.db.migrate` passes in."""

from alembic import context

from camvault.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
