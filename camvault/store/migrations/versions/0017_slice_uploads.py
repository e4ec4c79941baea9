"""Slices in S3-compatible object storage: where each slice lives and the persistent upload queue,
one table `slice_uploads` (state queued -> uploaded, or deleting once its slice is deleted).

Revision ID: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "slice_uploads",
        sa.Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        sa.Column("slice_id", sa.BigInteger(), nullable=False),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False, unique=True),
        sa.Column("stop_ms", sa.BigInteger(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("enqueued_ms", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_ms", sa.BigInteger(), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=True),
        sa.Column("uploaded_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("upload_ms", sa.BigInteger(), nullable=True),
        sa.Column("local_removed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_slice_uploads_slice", "slice_uploads", ["slice_id"])
    op.create_index("ix_slice_uploads_due", "slice_uploads", ["state", "stop_ms"])
    op.create_index("ix_slice_uploads_camera", "slice_uploads", ["camera_id", "state", "uploaded_at_ms"])
    op.create_index("ix_slice_uploads_uploaded", "slice_uploads", ["state", "local_removed", "uploaded_at_ms"])


def downgrade() -> None:
    op.drop_table("slice_uploads")
