"""delivery: notices of unknown fate, the card slot, what each card shows

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('unknown_since', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('card_claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('card_shown', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('card_stale_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_cases_card_stale_at', 'cases', ['card_stale_at'],
                    sqlite_where=sa.text('card_stale_at IS NOT NULL'),
                    postgresql_where=sa.text('card_stale_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_cases_card_stale_at', table_name='cases')
    # Drop the columns in place: rebuilding `cases` on SQLite trips the foreign keys of its events.
    with op.batch_alter_table('cases', recreate='never') as batch:
        batch.drop_column('card_stale_at')
        batch.drop_column('card_shown')
        batch.drop_column('card_claimed_at')
    with op.batch_alter_table('outbox', recreate='never') as batch:
        batch.drop_column('unknown_since')
