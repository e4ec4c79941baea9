"""Camera positions (latitude/longitude) for the Bandit image sessions. Placeholder: filled by the
Bandit work.

Revision ID: 0016
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
