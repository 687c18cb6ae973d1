"""seen_requests: clicks and submissions already taken (a replayed signed request changes nothing)

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('seen_requests',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_seen_requests'))
    )
    op.create_index(op.f('ix_seen_requests_seen_at'), 'seen_requests', ['seen_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_seen_requests_seen_at'), table_name='seen_requests')
    op.drop_table('seen_requests')
