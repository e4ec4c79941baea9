"""Passive screens and what each shows: `screens` (one row per wall display; `camera_id` or
`mosaic_id`, at most one set, is what it shows; a deleted camera blanks its screens).

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("num", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("display_code", sa.Integer, nullable=True),
        sa.Column("server_id", sa.Integer, nullable=False),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="SET NULL"), nullable=True),
        sa.Column("mosaic_id", sa.Integer, nullable=True),
        sa.Column("origin", sa.String(10), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("screens")
