"""a visit says whether the worker could inspect: inspected, or not (closed, refused entry) with the reason

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grid_visits') as batch:
        batch.add_column(sa.Column('outcome', sa.String(length=10), nullable=False, server_default='inspected'))
        batch.add_column(sa.Column('outcome_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('grid_visits') as batch:
        batch.drop_column('outcome_reason')
        batch.drop_column('outcome')
