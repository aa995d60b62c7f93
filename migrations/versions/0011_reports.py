"""reports: indexes the bulletin reads by — lifecycle steps by day, visits by time (covering the counted columns),
statements by period end

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_status_changes_effective_on', 'status_changes', ['effective_on', 'institution_id'])
    op.create_index('ix_grid_visits_visited_at_counted', 'grid_visits',
                    ['visited_at', 'institution_id', 'cell_id', 'flagged'])
    op.create_index('ix_escrow_statements_institution_end', 'escrow_statements', ['institution_id', 'period_end'])


def downgrade():
    op.drop_index('ix_escrow_statements_institution_end', table_name='escrow_statements')
    op.drop_index('ix_grid_visits_visited_at_counted', table_name='grid_visits')
    op.drop_index('ix_status_changes_effective_on', table_name='status_changes')
