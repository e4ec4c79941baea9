"""Tables of the ptz section of the CamTrace dialect: presets, guard tours and their steps.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ptz_presets",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("preset_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("pan", sa.Float, nullable=False),
        sa.Column("tilt", sa.Float, nullable=False),
        sa.Column("zoom", sa.Float, nullable=False),
        sa.Column("device_token", sa.String(64), nullable=True),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "ptz_tours",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tour_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "ptz_tour_steps",
        sa.Column("camera_id", sa.Integer, primary_key=True),
        sa.Column("tour_id", sa.String(64), primary_key=True),
        sa.Column("step", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("preset_id", sa.String(64), nullable=False),
        sa.Column("dwell_s", sa.Float, nullable=False),
        sa.ForeignKeyConstraint(["camera_id", "tour_id"], ["ptz_tours.camera_id", "ptz_tours.tour_id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["camera_id", "preset_id"], ["ptz_presets.camera_id", "ptz_presets.preset_id"],
                                ondelete="CASCADE"),
    )


def downgrade() -> None:
    for table in ("ptz_tour_steps", "ptz_tours", "ptz_presets"):
        op.drop_table(table)
