"""report indexes: outcomes by the event that decided them, cases by the day they were opened

Revision ID: 0004
Revises: 0001
"""

from alembic import op


revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_action_at', 'audit_events', ['action', 'at'])
    op.create_index('ix_cases_created_at', 'cases', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_created_at', table_name='cases')
    op.drop_index('ix_audit_events_action_at', table_name='audit_events')
