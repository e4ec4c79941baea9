"""Table definitions (SQLAlchemy Core). The schema itself is created by Alembic migrations in
`store/migrations`; keep the two in step (tests/store/test_migrations.py compares them).

Times are BigInteger epoch ms UTC; sizes in bytes.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID_TYPE = BigInteger().with_variant(Integer, "sqlite")
"""Autoincrement ids of large tables: 64-bit, but INTEGER on SQLite so that it aliases the rowid."""

cameras = Table(
    "cameras", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("serial_number", String(100), nullable=False, unique=True),
    Column("model", String(200), nullable=False, default=""),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("origin", String(10), nullable=False, default="api"),
    Column("transport", String(3), nullable=False, default="tcp"),
    Column("upside_down", Boolean, nullable=False, default=False),
    Column("slice_max_s", Integer, nullable=True),
    Column("retention_days", Float, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
)

streams = Table(
    "streams", metadata,
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
    Column("stream_id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False, default=""),
    Column("source", Text, nullable=False),
    Column("roles", String(100), nullable=False, default=""),
    Column("quality", Integer, nullable=False, default=3),
    Column("ignored", Boolean, nullable=False, default=False),
    Column("on_demand", Boolean, nullable=False, default=False),
    Column("encoding", String(20), nullable=True),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
)

slices = Table(
    "slices", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("camera_id", Integer, nullable=False),
    Column("stream_id", Integer, nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("stop_ms", BigInteger, nullable=False),
    Column("type", String(1), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("path", Text, nullable=False, unique=True),
    Column("protected", Boolean, nullable=False, default=False),
    Index("ix_slices_camera_start", "camera_id", "start_ms"),
    Index("ix_slices_start", "start_ms"),
)

garbage = Table(
    "garbage", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False, unique=True),
    Column("created_ms", BigInteger, nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_bcrypt", String(100), nullable=False),
    Column("password_md5", String(32), nullable=False),
    Column("password_ha1", String(32), nullable=True),     # md5(name:camvault:password), RTSP Digest (0007)
    Column("profile", String(20), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

camera_rights = Table(
    "camera_rights", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
    Column("live", Boolean, nullable=False, default=True),
    Column("records", Boolean, nullable=False, default=True),
    Column("ptz", Boolean, nullable=False, default=False),
)

object_rights = Table(
    "object_rights", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(20), primary_key=True),            # mosaic, map, connector (core.model.OBJECT_ACTIONS)
    Column("object_key", String(64), primary_key=True),      # the object's id or uuid
    Column("actions", String(100), nullable=False),          # comma-separated, e.g. "view,edit"
)

camera_connections = Table(
    "camera_connections", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("camera_id", Integer, nullable=False),
    Column("stream_id", Integer, nullable=False),
    Column("connected", Boolean, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_camera_connections_camera_at", "camera_id", "at_ms"),
)
