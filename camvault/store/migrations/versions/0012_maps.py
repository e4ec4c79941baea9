"""Maps, their backgrounds and items.

Revision ID: 0012
"""

import sqlalchemy as sa  # noqa: F401  (used once the tables are written)
from alembic import op  # noqa: F401

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass            # placeholder: the tables of this area come with its code


def downgrade() -> None:
    pass
