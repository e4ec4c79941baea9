"""Fleet: organisations, sites (time zone, opening hours), which users see which site, fleet camera
states (registered/running/paused/decommissioned, the persisted pause flag ingest and alarms obey)
and the queue of put-camera-state requests.

Revision ID: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fleet_organisations",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "fleet_sites",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("organisation_uuid", sa.String(36),
                  sa.ForeignKey("fleet_organisations.uuid", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("opening_hours_json", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "fleet_site_users",
        sa.Column("site_uuid", sa.String(36), sa.ForeignKey("fleet_sites.uuid", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "fleet_cameras",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("site_uuid", sa.String(36), sa.ForeignKey("fleet_sites.uuid", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("position_uuid", sa.String(36), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("direction1_alias", sa.String(200), nullable=True),
        sa.Column("direction2_alias", sa.String(200), nullable=True),
        sa.Column("registered_ms", sa.BigInteger, nullable=False),
        sa.Column("claimed_ms", sa.BigInteger, nullable=True),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_fleet_cameras_site", "fleet_cameras", ["site_uuid"])
    op.create_table(
        "fleet_state_requests",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), nullable=False),
        sa.Column("new_state", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("done_ms", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_fleet_state_requests_status", "fleet_state_requests", ["status", "created_ms"])


def downgrade() -> None:
    op.drop_table("fleet_state_requests")
    op.drop_index("ix_fleet_cameras_site", "fleet_cameras")
    op.drop_table("fleet_cameras")
    op.drop_table("fleet_site_users")
    op.drop_table("fleet_sites")
    op.drop_table("fleet_organisations")
