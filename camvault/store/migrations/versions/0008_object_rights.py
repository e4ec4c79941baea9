"""Users' rights on objects other than cameras: mosaics, maps, metadata connectors.

Revision ID: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "object_rights",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("object_key", sa.String(64), primary_key=True),
        sa.Column("actions", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("object_rights")
