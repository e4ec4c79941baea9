"""Sensor controls of multi-sensor (OAK) camera streams. Placeholder: filled by the OAK work.

Revision ID: 0015
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
