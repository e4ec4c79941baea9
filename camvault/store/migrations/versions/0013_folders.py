"""Folders, their items, and sort criteria.

Revision ID: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sort_criteria",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("groups", sa.String(200), nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=True),
    )
    op.create_index("uq_sort_criteria_default", "sort_criteria", ["is_default"], unique=True)
    op.create_table(
        "folders",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("regex_id", sa.Integer, sa.ForeignKey("sort_criteria.id", ondelete="SET NULL"), nullable=True),
        sa.Column("weight", sa.Integer, nullable=False),
    )
    op.create_table(
        "folder_items",
        sa.Column("folder_uuid", sa.String(36), sa.ForeignKey("folders.uuid", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_no", sa.Integer, nullable=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("server_id", sa.Integer, nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("ref_id", sa.Integer, nullable=True),
        sa.Column("ref_key", sa.String(64), nullable=True),
        sa.Column("weight", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("folder_items")
    op.drop_table("folders")
    op.drop_index("uq_sort_criteria_default", table_name="sort_criteria")
    op.drop_table("sort_criteria")
