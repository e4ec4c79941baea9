"""Mosaics (CamTrace groups): layout, levels and their elements.

Revision ID: 0009
"""

import sqlalchemy as sa  # noqa: F401  (used once the tables are written)
from alembic import op  # noqa: F401

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass            # placeholder: the tables of this area come with its code


def downgrade() -> None:
    pass
