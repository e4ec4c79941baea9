"""Camera positions (latitude/longitude, WGS 84 degrees) for the Bandit image sessions: two nullable
columns on `cameras`, both null when the camera has no configured position.

Revision ID: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cameras", sa.Column("lat_deg", sa.Float(), nullable=True))
    op.add_column("cameras", sa.Column("lon_deg", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cameras") as batch:
        batch.drop_column("lon_deg")
        batch.drop_column("lat_deg")
