"""Fleet: organisations, sites, their users, fleet camera states and requests. Placeholder: filled by the Fleet work.

Revision ID: 0018
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
