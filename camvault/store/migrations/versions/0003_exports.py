"""Tables of the exports section of the CamTrace dialect: tasks, exports, protected records.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("progress_pct", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_tasks_type_status", "tasks", ["type", "status"])
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.Integer, nullable=False),
        sa.Column("disk_id", sa.Integer, nullable=True),
        sa.Column("from_ms", sa.BigInteger, nullable=False),
        sa.Column("to_ms", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(1), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("p100", sa.Integer, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("md5", sa.String(32), nullable=True),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("file_name", sa.Text, nullable=True),
        sa.Column("task_id", sa.Integer, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_exports_camera_from", "exports", ["camera_id", "from_ms"])
    op.create_table(
        "protected_ranges",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.Integer, nullable=False),
        sa.Column("from_ms", sa.BigInteger, nullable=False),
        sa.Column("to_ms", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(1), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_protected_ranges_camera_from", "protected_ranges", ["camera_id", "from_ms"])


def downgrade() -> None:
    op.drop_index("ix_protected_ranges_camera_from", table_name="protected_ranges")
    op.drop_table("protected_ranges")
    op.drop_index("ix_exports_camera_from", table_name="exports")
    op.drop_table("exports")
    op.drop_index("ix_tasks_type_status", table_name="tasks")
    op.drop_table("tasks")
