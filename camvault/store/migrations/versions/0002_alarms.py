"""Tables of the alarms section of the CamTrace dialect: `alarms` (one row per alarm; its JPEG
lives under the media root at `snapshot`) and `camera_alarm_settings` (motion detection and
pre-alarm override per camera).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "alarms",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.Integer, nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("record_ms", sa.BigInteger, nullable=True),
        sa.Column("end_ms", sa.BigInteger, nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=True),
    )
    op.create_index("ix_alarms_time", "alarms", ["time_ms", "id"])
    op.create_index("ix_alarms_camera_time", "alarms", ["camera_id", "time_ms", "id"])
    op.create_table(
        "camera_alarm_settings",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("motion_enabled", sa.Boolean, nullable=False),
        sa.Column("sensitivity", sa.Integer, nullable=False),
        sa.Column("min_area", sa.Float, nullable=False),
        sa.Column("release_s", sa.Float, nullable=False),
        sa.Column("zones", sa.Text, nullable=False),
        sa.Column("pre_alarm_s", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("camera_alarm_settings")
    op.drop_table("alarms")
