"""Metadata connectors, their cameras, and metadata events.

Revision ID: 0014
"""

import sqlalchemy as sa  # noqa: F401  (used once the tables are written)
from alembic import op  # noqa: F401

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass            # placeholder: the tables of this area come with its code


def downgrade() -> None:
    pass
