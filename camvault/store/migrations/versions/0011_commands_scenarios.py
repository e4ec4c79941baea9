"""Commands (external URLs) and scenarios (rules).

Revision ID: 0011
"""

import sqlalchemy as sa  # noqa: F401  (used once the tables are written)
from alembic import op  # noqa: F401

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass            # placeholder: the tables of this area come with its code


def downgrade() -> None:
    pass
