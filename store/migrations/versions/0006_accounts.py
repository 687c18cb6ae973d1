"""seller accounts and marketplaces: an account and a marketplace on each case, a roster per account,
the marketplace's count on each deadline; everything that exists goes to the default account

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 20:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None

DEFAULT_ACCOUNT = 'default'  # rules.accounts.DEFAULT_ACCOUNT, frozen here as the migration wrote it
DEFAULT_MARKETPLACE = 'US'


def upgrade() -> None:
    # Columns added with a server default fill every existing row: SQLite's ADD COLUMN does it without
    # rebuilding the table (the cases table is referenced by four others), PostgreSQL in one statement.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=32), nullable=False,
                                      server_default=DEFAULT_ACCOUNT))
        batch_op.add_column(sa.Column('marketplace', sa.String(length=8), nullable=False,
                                      server_default=DEFAULT_MARKETPLACE))
        batch_op.create_index(batch_op.f('ix_cases_account_state'), ['account', 'state'], unique=False)
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days', sa.Integer(), nullable=True))
    # The roster's key becomes (account, order): nothing references it, so SQLite may rebuild it.
    with op.batch_alter_table('roster_orders', schema=None, recreate='always') as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=32), nullable=False,
                                      server_default=DEFAULT_ACCOUNT))
        batch_op.drop_constraint('pk_roster_orders', type_='primary')
        batch_op.create_primary_key('pk_roster_orders', ['account', 'order_id'])


def downgrade() -> None:
    # One roster again: an order in several accounts' rosters is kept once (the roster is re-importable).
    connection = op.get_bind()
    connection.execute(sa.text(
        "DELETE FROM roster_orders WHERE EXISTS (SELECT 1 FROM roster_orders other "
        "WHERE other.order_id = roster_orders.order_id AND other.account < roster_orders.account)"))
    with op.batch_alter_table('roster_orders', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint('pk_roster_orders', type_='primary')
        batch_op.create_primary_key('pk_roster_orders', ['order_id'])
        batch_op.drop_column('account')
    # SQLite (3.35+) drops these columns in place: rebuilding cases or deadlines would trip the foreign
    # keys of the tables that reference them.
    with op.batch_alter_table('deadlines', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('days')
    with op.batch_alter_table('cases', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_account_state'))
        batch_op.drop_column('marketplace')
        batch_op.drop_column('account')
