"""search order indexes: a category alone lists newest first from its index; a district with a category is counted
from an index

Revision ID: 0013
Revises: 0009
"""
from alembic import op

revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_institutions_category', 'institutions', ['category'])
    op.create_index('ix_institutions_district_category', 'institutions', ['district', 'category'])


def downgrade():
    op.drop_index('ix_institutions_district_category', table_name='institutions')
    op.drop_index('ix_institutions_category', table_name='institutions')
