"""Slices in S3-compatible object storage: where each slice lives and the persistent upload queue. Placeholder: filled by the S3 work.

Revision ID: 0017
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
