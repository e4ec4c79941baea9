"""Tables of the snapshots section of the CamTrace dialect: `snapshots` (one row per still taken
by a user; the JPEG lives under the media root at `path`).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.Integer, nullable=False),
        sa.Column("camera_name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
    )
    op.create_index("ix_snapshots_time", "snapshots", ["time_ms"])
    op.create_index("ix_snapshots_camera_time", "snapshots", ["camera_id", "time_ms"])


def downgrade() -> None:
    op.drop_table("snapshots")
