"""Maps, their backgrounds and items.

Revision ID: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scale", sa.Float, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "map_items",
        sa.Column("map_id", sa.Integer, sa.ForeignKey("maps.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_no", sa.Integer, nullable=True),
        sa.Column("item_type", sa.String(16), nullable=False),
        sa.Column("pos_x", sa.Integer, nullable=False),
        sa.Column("pos_y", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("z_index", sa.Float, nullable=False),
        sa.Column("ref_id", sa.String(64), nullable=False),
        sa.Column("properties", sa.Text, nullable=False),
    )
    op.create_index("ix_map_items_ref", "map_items", ["item_type", "ref_id"])
    op.create_table(
        "map_backgrounds",
        sa.Column("map_id", sa.Integer, sa.ForeignKey("maps.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("background_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pos_x", sa.Integer, nullable=False),
        sa.Column("pos_y", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("z_index", sa.Float, nullable=False),
        sa.Column("image", sa.LargeBinary, nullable=False),
        sa.Column("image_prefix", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("map_backgrounds")
    op.drop_index("ix_map_items_ref", table_name="map_items")
    op.drop_table("map_items")
    op.drop_table("maps")
