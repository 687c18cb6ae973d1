"""the report: when each case got its outcome (cases.decided_at, back-filled from the audit log), and the
indexes of its queries by period

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# rules.report_records.DECIDING_ACTIONS, as it was when this revision was written.
DECIDING = ('grant', 'deny', 'auto_close', 'withdraw', 'refund', 'record_debit', 'record_win', 'presume_no_debit',
            'dispute', 'dispute_reversed', 'dispute_upheld')
BACKFILL = (
    "UPDATE cases SET decided_at = (SELECT max(audit_events.at) FROM audit_events "
    "WHERE audit_events.case_id = cases.id AND audit_events.action IN ({}))".format(
        ", ".join(f"'{a}'" for a in DECIDING))
)


def upgrade() -> None:
    op.add_column('cases', sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    op.create_index('ix_cases_decided_at', 'cases', ['decided_at'])
    op.create_index('ix_cases_created_at', 'cases', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_created_at', table_name='cases')
    op.drop_index('ix_cases_decided_at', table_name='cases')
    # Plain ALTER TABLE (SQLite ≥ 3.35 has it): a batch copy of cases would trip its foreign keys.
    op.execute('ALTER TABLE cases DROP COLUMN decided_at')
