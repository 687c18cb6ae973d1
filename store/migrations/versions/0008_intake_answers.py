"""intake_reads: an email is answered only once its reply landed; unanswered ones are tried again

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('intake_reads') as batch:
        batch.add_column(sa.Column('file_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('thread_ts', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('tries', sa.Integer(), nullable=False, server_default='0'))
    # Every email read before this revision was answered (or given up on) when it was read.
    op.execute("UPDATE intake_reads SET answered_at = read_at")


def downgrade() -> None:
    with op.batch_alter_table('intake_reads') as batch:
        batch.drop_column('tries')
        batch.drop_column('answered_at')
        batch.drop_column('thread_ts')
        batch.drop_column('file_id')
