"""Passive screens and what each shows.

Revision ID: 0010
"""

import sqlalchemy as sa  # noqa: F401  (used once the tables are written)
from alembic import op  # noqa: F401

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass            # placeholder: the tables of this area come with its code


def downgrade() -> None:
    pass
