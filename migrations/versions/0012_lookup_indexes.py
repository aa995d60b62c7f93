"""lookup indexes: an institution's audit entries and its successor, read by every institution page

Without them each page of one institution scanned the whole audit log and the whole register (bench/load.py).

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity_type', 'entity_id'], unique=False)
    op.create_index('ix_institutions_converted_from_id', 'institutions', ['converted_from_id'], unique=False)


def downgrade():
    op.drop_index('ix_institutions_converted_from_id', table_name='institutions')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
