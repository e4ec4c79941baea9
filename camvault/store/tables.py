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
    LargeBinary,
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
    Column("lat_deg", Float, nullable=True),             # position (0016), both null or both set
    Column("lon_deg", Float, nullable=True),
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

slice_uploads = Table(
    "slice_uploads", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("slice_id", BigInteger, nullable=False),
    Column("camera_id", Integer, nullable=False),
    Column("path", Text, nullable=False, unique=True),
    Column("stop_ms", BigInteger, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("state", String(10), nullable=False),
    Column("enqueued_ms", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_try_ms", BigInteger, nullable=False),
    Column("object_key", Text, nullable=True),
    Column("uploaded_at_ms", BigInteger, nullable=True),
    Column("upload_ms", BigInteger, nullable=True),
    Column("local_removed", Boolean, nullable=False, default=False),
    Index("ix_slice_uploads_slice", "slice_id"),
    Index("ix_slice_uploads_due", "state", "stop_ms"),
    Index("ix_slice_uploads_camera", "camera_id", "state", "uploaded_at_ms"),
    Index("ix_slice_uploads_uploaded", "state", "local_removed", "uploaded_at_ms"),
)
"""Where each slice stands with S3 (one row per slice once S3 is on): `queued` (to upload),
`uploaded` (the object `object_key` is confirmed; `local_removed` once the local file is gone) or
`deleting` (its slice was deleted: the object goes next, then the row)."""

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

# mosaics (CamTrace groups, 0009): a layout of cells and a cycle of levels, each level's elements
mosaics = Table(
    "mosaics", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("cols", Integer, nullable=False),
    Column("layout", Text, nullable=False),                  # JSON: rows of cell identifiers
    Column("push_mode", Boolean, nullable=False),
    Column("full_screen", Boolean, nullable=False),
    Column("stay_on_top", Boolean, nullable=False),
    Column("display_code", Integer, nullable=True),
    Column("default_level_duration_s", Integer, nullable=True),
    Column("comments", Text, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ux_mosaics_display_code", "display_code", unique=True),
)

mosaic_levels = Table(
    "mosaic_levels", metadata,
    Column("mosaic_id", Integer, ForeignKey("mosaics.id", ondelete="CASCADE"), primary_key=True),
    Column("level_index", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("duration_s", Integer, nullable=True),
)

mosaic_elements = Table(
    "mosaic_elements", metadata,
    Column("mosaic_id", Integer, ForeignKey("mosaics.id", ondelete="CASCADE"), primary_key=True),
    Column("level_index", Integer, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), nullable=True),
    Column("stream_id", Integer, nullable=True),
    Column("quality", Integer, nullable=True),
    Column("type", String(1), nullable=False),
    Column("mode", String(1), nullable=False),
    Column("url", Text, nullable=True),
    Column("server_id", Integer, nullable=False),
    Column("show_margin", Boolean, nullable=False),
    Column("show_menu", Boolean, nullable=False),
    Column("keep_ratio", Boolean, nullable=False),
    Column("alignment", Integer, nullable=False),
    Index("ix_mosaic_elements_camera", "camera_id"),
)

commands = Table(                                            # CamTrace exturls (0011)
    "commands", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("urls", Text, nullable=False),                    # JSON list: URLs and "delay=N", in run order
    Column("created_ms", BigInteger, nullable=False),
)

scenarios = Table(                                           # rules WHEN -> THEN (0011)
    "scenarios", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("ignored", Boolean, nullable=False, default=False),
    Column("origin", String(10), nullable=False, default="api"),   # api | config
    Column("when_json", Text, nullable=False),               # core.scenarios.Trigger as JSON
    Column("then_json", Text, nullable=False),               # list of core.scenarios.Action as JSON
    Column("created_ms", BigInteger, nullable=False),
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

screens = Table(
    "screens", metadata,                                     # CamTrace passive screens (0010)
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("num", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("host", String(255), nullable=False, default=""),
    Column("display_code", Integer, nullable=True),
    Column("server_id", Integer, nullable=False, default=0),
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="SET NULL"), nullable=True),
    Column("mosaic_id", Integer, nullable=True),             # a mosaic id (no FK: mosaics may come later)
    Column("origin", String(10), nullable=False, default="api"),
)

# --- folders and sort criteria (CamTrace "Folders", "Sort criteria"; migration 0013) ---------------
sort_criteria = Table(
    "sort_criteria", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("pattern", Text, nullable=False),                 # a Python `re` pattern
    Column("groups", String(200), nullable=False),           # group indexes in order, comma-separated
    Column("is_default", Boolean, nullable=True),            # True on the default, NULL on the others
    Index("uq_sort_criteria_default", "is_default", unique=True),   # so at most one default
)

folders = Table(
    "folders", metadata,
    Column("uuid", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("regex_id", Integer, ForeignKey("sort_criteria.id", ondelete="SET NULL"), nullable=True),
    Column("weight", Integer, nullable=False, default=0),
)

folder_items = Table(
    "folder_items", metadata,
    Column("folder_uuid", String(36), ForeignKey("folders.uuid", ondelete="CASCADE"), primary_key=True),
    Column("item_no", Integer, primary_key=True, autoincrement=False),   # position in the tree, depth first
    Column("parent_no", Integer, nullable=True),             # the enclosing sub-folder or camera; NULL at top
    Column("type", String(20), nullable=False),
    Column("server_id", Integer, nullable=True),
    Column("name", String(200), nullable=True),              # sub-folders
    Column("ref_id", Integer, nullable=True),                # camera, mosaic, screen, command id; a preset's camera
    Column("ref_key", String(64), nullable=True),            # map or connector uuid; a preset's id
    Column("weight", Integer, nullable=False, default=0),
)

maps = Table(
    "maps", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),   # list order (creation)
    Column("uuid", String(36), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("scale", Float, nullable=False, default=1.0),
    Column("version", Integer, nullable=False),                     # 1 at creation, +1 on every update
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

map_items = Table(
    "map_items", metadata,
    Column("map_id", Integer, ForeignKey("maps.id", ondelete="CASCADE"), primary_key=True),
    Column("item_no", Integer, primary_key=True, autoincrement=False),   # order, depth first
    Column("parent_no", Integer, nullable=True),             # a preset's camera item; NULL at top
    Column("item_type", String(16), nullable=False),         # camera, group, command, map, screen, preset
    Column("pos_x", Integer, nullable=False),
    Column("pos_y", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("z_index", Float, nullable=False),
    Column("ref_id", String(64), nullable=False),            # camera/mosaic/command/screen id, map uuid, preset id
    Column("properties", Text, nullable=False),              # the client's properties object (JSON)
    Index("ix_map_items_ref", "item_type", "ref_id"),
)

map_backgrounds = Table(
    "map_backgrounds", metadata,
    Column("map_id", Integer, ForeignKey("maps.id", ondelete="CASCADE"), primary_key=True),
    Column("background_no", Integer, primary_key=True, autoincrement=False),
    Column("pos_x", Integer, nullable=False),
    Column("pos_y", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("z_index", Float, nullable=False),
    Column("image", LargeBinary, nullable=False),            # the image file (PNG, JPEG, GIF, WebP, BMP)
    Column("image_prefix", String(100), nullable=False, default=""),   # "data:image/..;base64," if sent so
)

metadata_connectors = Table(
    "metadata_connectors", metadata,
    Column("uuid", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("event_types", Text, nullable=True),              # comma-separated; NULL: every recognised type
    Column("alarm_types", Text, nullable=True),              # comma-separated; NULL: all of event_types
    Column("created_ms", BigInteger, nullable=False),
)

metadata_connector_cameras = Table(
    "metadata_connector_cameras", metadata,
    Column("connector_uuid", String(36), ForeignKey("metadata_connectors.uuid", ondelete="CASCADE"),
           primary_key=True),
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
)

metadata_events = Table(
    "metadata_events", metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),     # the client's v4 UUID, lower case
    Column("connector_uuid", String(36), ForeignKey("metadata_connectors.uuid", ondelete="CASCADE"),
           nullable=False),
    Column("type", String(64), nullable=False),
    Column("time_us", BigInteger, nullable=False),                    # the event's time, epoch µs UTC
    Column("received_ms", BigInteger, nullable=False),
    Index("ix_metadata_events_connector_time", "connector_uuid", "time_us"),
    Index("ix_metadata_events_connector_type_time", "connector_uuid", "type", "time_us"),
)

metadata_event_params = Table(
    "metadata_event_params", metadata,
    Column("event_row_id", ID_TYPE, ForeignKey("metadata_events.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("text_value", String(255), nullable=True),
    Column("folded_value", Text, nullable=True),                      # text_value lower-cased (ilike)
    Column("int_value", BigInteger, nullable=True),
    Column("bool_value", Boolean, nullable=True),
    Index("ix_metadata_event_params_text", "name", "text_value"),
    Index("ix_metadata_event_params_int", "name", "int_value"),
)

sensor_controls = Table(                                     # OAK sensor controls, SensorControl as JSON (0015)
    "sensor_controls", metadata,
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("sensor", String(16), primary_key=True),
    Column("control_json", Text, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

# Fleet dialect (0018): organisations, their sites, which users see which site, fleet camera states
fleet_organisations = Table(
    "fleet_organisations", metadata,
    Column("uuid", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_ms", BigInteger, nullable=False),
)

fleet_sites = Table(
    "fleet_sites", metadata,
    Column("uuid", String(36), primary_key=True),
    Column("organisation_uuid", String(36), ForeignKey("fleet_organisations.uuid", ondelete="CASCADE"),
           nullable=False),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("opening_hours_json", Text, nullable=True),            # core.fleet.OpeningHours; NULL: config default
    Column("created_ms", BigInteger, nullable=False),
)

fleet_site_users = Table(
    "fleet_site_users", metadata,
    Column("site_uuid", String(36), ForeignKey("fleet_sites.uuid", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

fleet_cameras = Table(                                        # one row per camera that ever registered
    "fleet_cameras", metadata,
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("state", String(16), nullable=False),              # core.fleet.STATES
    Column("site_uuid", String(36), ForeignKey("fleet_sites.uuid", ondelete="SET NULL"), nullable=True),
    Column("position_uuid", String(36), nullable=True),       # cameraPositionId: new at each claim and move
    Column("name", String(200), nullable=True),               # fleet name; NULL: the camera's own name
    Column("direction1_alias", String(200), nullable=True),
    Column("direction2_alias", String(200), nullable=True),
    Column("registered_ms", BigInteger, nullable=False),
    Column("claimed_ms", BigInteger, nullable=True),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_fleet_cameras_site", "site_uuid"),
)

fleet_state_requests = Table(                                 # put-camera-state-requests, applied by a worker
    "fleet_state_requests", metadata,
    Column("uuid", String(36), primary_key=True),
    Column("camera_id", Integer, ForeignKey("cameras.id", ondelete="CASCADE"), nullable=False),
    Column("new_state", String(16), nullable=False),          # running or paused
    Column("status", String(16), nullable=False),             # created, applied, failed
    Column("message", Text, nullable=False, default=""),
    Column("created_ms", BigInteger, nullable=False),
    Column("done_ms", BigInteger, nullable=True),
    Index("ix_fleet_state_requests_status", "status", "created_ms"),
)
