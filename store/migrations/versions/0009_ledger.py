"""Amazon's ledger: the entries read from SP-API Finances, each account's sync, and the ledger's figure on a case

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ledger_entries',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('account', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('match_key', sa.String(length=64), nullable=False),
        sa.Column('amount_cents', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seller_fulfilled', sa.Boolean(), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('step', sa.String(length=24), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('matched_by', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_ledger_entries_case_id_cases'),
        sa.PrimaryKeyConstraint('key', name='pk_ledger_entries'),
    )
    op.create_index('ix_ledger_entries_kind_match_key', 'ledger_entries', ['kind', 'match_key'])
    op.create_index('ix_ledger_entries_account_posted_at', 'ledger_entries', ['account', 'posted_at'])
    op.create_index('ix_ledger_entries_case_id', 'ledger_entries', ['case_id'])
    op.create_table(
        'ledger_syncs',
        sa.Column('account', sa.String(length=32), nullable=False),
        sa.Column('watermark', sa.DateTime(timezone=True), nullable=True),
        sa.Column('read_from', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('error_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error_told', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('account', name='pk_ledger_syncs'),
    )
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('ledger_cents', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('ledger_posted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('ledger_key', sa.String(length=64), nullable=True))
        batch.create_foreign_key('fk_outbox_ledger_key_ledger_entries', 'ledger_entries', ['ledger_key'], ['key'])
    # (last: batch mode does not carry an expression index it cannot reflect)
    # Amazon's SAFETClaimId is matched trimmed and case-folded: an index on that expression, not a scan per entry.
    op.create_index('ix_cases_claim_key', 'cases', [sa.text('lower(trim(claim_number))')])


def downgrade() -> None:
    op.drop_index('ix_cases_claim_key', 'cases')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_constraint('fk_outbox_ledger_key_ledger_entries', type_='foreignkey')
        batch.drop_column('ledger_key')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('ledger_posted_at')
        batch.drop_column('ledger_cents')
    op.drop_table('ledger_syncs')
    op.drop_index('ix_ledger_entries_case_id', 'ledger_entries')
    op.drop_index('ix_ledger_entries_account_posted_at', 'ledger_entries')
    op.drop_index('ix_ledger_entries_kind_match_key', 'ledger_entries')
    op.drop_table('ledger_entries')
