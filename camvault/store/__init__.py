"""The only owner of the database (SQLAlchemy + Alembic) and of media files.

Repositories return `camvault.core.model` dataclasses; no other layer sees a table or a path on disk
except through `MediaStore`.
"""
