"""search indexes at a national register's scale: a category alone lists newest first from its index, a district
with a category is counted from an index, and on PostgreSQL a word of one or two characters finds its candidates
through the name's characters (too short for trigrams)

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_institutions_category', 'institutions', ['category'])
    op.create_index('ix_institutions_district_category', 'institutions', ['district', 'category'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_institutions_name_chars ON institutions USING gin (string_to_array(name_chars, ' '))")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_institutions_name_chars")
    op.drop_index('ix_institutions_district_category', table_name='institutions')
    op.drop_index('ix_institutions_category', table_name='institutions')
