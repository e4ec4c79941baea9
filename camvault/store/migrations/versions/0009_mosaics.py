"""Mosaics (CamTrace groups): layout, levels and their elements.

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mosaics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("cols", sa.Integer, nullable=False),
        sa.Column("layout", sa.Text, nullable=False),
        sa.Column("push_mode", sa.Boolean, nullable=False),
        sa.Column("full_screen", sa.Boolean, nullable=False),
        sa.Column("stay_on_top", sa.Boolean, nullable=False),
        sa.Column("display_code", sa.Integer, nullable=True),
        sa.Column("default_level_duration_s", sa.Integer, nullable=True),
        sa.Column("comments", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ux_mosaics_display_code", "mosaics", ["display_code"], unique=True)
    op.create_table(
        "mosaic_levels",
        sa.Column("mosaic_id", sa.Integer, sa.ForeignKey("mosaics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("level_index", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("duration_s", sa.Integer, nullable=True),
    )
    op.create_table(
        "mosaic_elements",
        sa.Column("mosaic_id", sa.Integer, sa.ForeignKey("mosaics.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("level_index", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), nullable=True),
        sa.Column("stream_id", sa.Integer, nullable=True),
        sa.Column("quality", sa.Integer, nullable=True),
        sa.Column("type", sa.String(1), nullable=False),
        sa.Column("mode", sa.String(1), nullable=False),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("server_id", sa.Integer, nullable=False),
        sa.Column("show_margin", sa.Boolean, nullable=False),
        sa.Column("show_menu", sa.Boolean, nullable=False),
        sa.Column("keep_ratio", sa.Boolean, nullable=False),
        sa.Column("alignment", sa.Integer, nullable=False),
    )
    op.create_index("ix_mosaic_elements_camera", "mosaic_elements", ["camera_id"])


def downgrade() -> None:
    op.drop_table("mosaic_elements")
    op.drop_table("mosaic_levels")
    op.drop_table("mosaics")
