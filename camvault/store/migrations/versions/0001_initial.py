"""Initial schema: cameras, streams, slices, garbage list, users, camera rights, connections log.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "cameras",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("serial_number", sa.String(100), nullable=False, unique=True),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("transport", sa.String(3), nullable=False),
        sa.Column("upside_down", sa.Boolean, nullable=False),
        sa.Column("slice_max_s", sa.Integer, nullable=True),
        sa.Column("retention_days", sa.Float, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "streams",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("stream_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("quality", sa.Integer, nullable=False),
        sa.Column("ignored", sa.Boolean, nullable=False),
        sa.Column("on_demand", sa.Boolean, nullable=False),
        sa.Column("encoding", sa.String(20), nullable=True),
        sa.Column("width", sa.Integer, nullable=True),
        sa.Column("height", sa.Integer, nullable=True),
    )
    op.create_table(
        "slices",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.Integer, nullable=False),
        sa.Column("stream_id", sa.Integer, nullable=False),
        sa.Column("start_ms", sa.BigInteger, nullable=False),
        sa.Column("stop_ms", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(1), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("protected", sa.Boolean, nullable=False),
    )
    op.create_index("ix_slices_camera_start", "slices", ["camera_id", "start_ms"])
    op.create_index("ix_slices_start", "slices", ["start_ms"])
    op.create_table(
        "garbage",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_bcrypt", sa.String(100), nullable=False),
        sa.Column("password_md5", sa.String(32), nullable=False),
        sa.Column("profile", sa.String(20), nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "camera_rights",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("live", sa.Boolean, nullable=False),
        sa.Column("records", sa.Boolean, nullable=False),
        sa.Column("ptz", sa.Boolean, nullable=False),
    )
    op.create_table(
        "camera_connections",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.Integer, nullable=False),
        sa.Column("stream_id", sa.Integer, nullable=False),
        sa.Column("connected", sa.Boolean, nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_camera_connections_camera_at", "camera_connections", ["camera_id", "at_ms"])


def downgrade() -> None:
    for table in ("camera_connections", "camera_rights", "users", "garbage", "slices", "streams", "cameras"):
        op.drop_table(table)
