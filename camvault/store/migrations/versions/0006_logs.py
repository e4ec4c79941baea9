"""Node settings (server secret), the user-action log and the system log.

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "user_actions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_index("ix_user_actions_at", "user_actions", ["at_ms"])
    op.create_index("ix_user_actions_user_at", "user_actions", ["user_id", "at_ms"])
    op.create_table(
        "system_logs",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("event", sa.Text, nullable=False),
    )
    op.create_index("ix_system_logs_at", "system_logs", ["at_ms"])


def downgrade() -> None:
    for table in ("system_logs", "user_actions", "settings"):
        op.drop_table(table)
