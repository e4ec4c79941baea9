"""Sensor controls of multi-sensor (OAK) camera streams: one row per (camera, sensor) whose
controls were changed, the full `SensorControl` as JSON (cascade-deleted with the camera).

Revision ID: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sensor_controls",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("sensor", sa.String(16), primary_key=True),
        sa.Column("control_json", sa.Text, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sensor_controls")
