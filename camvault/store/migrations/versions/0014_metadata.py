"""Metadata connectors, their cameras, and metadata events (one row per event, one row per
parameter of an event, typed, for the searches).

Revision ID: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "metadata_connectors",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("event_types", sa.Text, nullable=True),
        sa.Column("alarm_types", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "metadata_connector_cameras",
        sa.Column("connector_uuid", sa.String(36), sa.ForeignKey("metadata_connectors.uuid", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "metadata_events",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("connector_uuid", sa.String(36), sa.ForeignKey("metadata_connectors.uuid", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("time_us", sa.BigInteger, nullable=False),
        sa.Column("received_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_metadata_events_connector_time", "metadata_events", ["connector_uuid", "time_us"])
    op.create_index("ix_metadata_events_connector_type_time", "metadata_events", ["connector_uuid", "type", "time_us"])
    op.create_table(
        "metadata_event_params",
        sa.Column("event_row_id", ID, sa.ForeignKey("metadata_events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("text_value", sa.String(255), nullable=True),
        sa.Column("folded_value", sa.Text, nullable=True),
        sa.Column("int_value", sa.BigInteger, nullable=True),
        sa.Column("bool_value", sa.Boolean, nullable=True),
    )
    op.create_index("ix_metadata_event_params_text", "metadata_event_params", ["name", "text_value"])
    op.create_index("ix_metadata_event_params_int", "metadata_event_params", ["name", "int_value"])


def downgrade() -> None:
    op.drop_table("metadata_event_params")
    op.drop_table("metadata_events")
    op.drop_table("metadata_connector_cameras")
    op.drop_table("metadata_connectors")
