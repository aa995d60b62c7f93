"""search: the institutions' search columns and their indexes (SQLite FTS5, PostgreSQL pg_trgm)

Revision ID: 0009
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None

SQLITE_INDEX = [
    # External-content FTS5 tables over the institutions' own columns: nothing stored twice.
    "CREATE VIRTUAL TABLE institution_fts USING fts5(search_text, content='institutions', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE VIRTUAL TABLE institution_name_fts USING fts5(name_chars, content='institutions', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    """CREATE TRIGGER institutions_search_insert AFTER INSERT ON institutions BEGIN
         INSERT INTO institution_fts(rowid, search_text) VALUES (new.id, new.search_text);
         INSERT INTO institution_name_fts(rowid, name_chars) VALUES (new.id, new.name_chars);
       END""",
    """CREATE TRIGGER institutions_search_delete AFTER DELETE ON institutions BEGIN
         INSERT INTO institution_fts(institution_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
         INSERT INTO institution_name_fts(institution_name_fts, rowid, name_chars) VALUES ('delete', old.id, old.name_chars);
       END""",
    """CREATE TRIGGER institutions_search_update AFTER UPDATE OF search_text, name_chars ON institutions BEGIN
         INSERT INTO institution_fts(institution_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
         INSERT INTO institution_name_fts(institution_name_fts, rowid, name_chars) VALUES ('delete', old.id, old.name_chars);
         INSERT INTO institution_fts(rowid, search_text) VALUES (new.id, new.search_text);
         INSERT INTO institution_name_fts(rowid, name_chars) VALUES (new.id, new.name_chars);
       END""",
]
POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_institutions_search_trgm ON institutions USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX ix_institutions_name_trgm ON institutions USING gin (lower(name) gin_trgm_ops)",
]


def upgrade():
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('name_chars', sa.Text(), nullable=False, server_default=''))
    _fill_existing()
    for statement in SQLITE_INDEX if op.get_bind().dialect.name == "sqlite" else POSTGRES_INDEX:
        op.execute(statement)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO institution_fts(institution_fts) VALUES ('rebuild')")
        op.execute("INSERT INTO institution_name_fts(institution_name_fts) VALUES ('rebuild')")


def _fill_existing():
    from registry.register.search_keys import SOURCE_FIELDS, keys

    connection = op.get_bind()
    institutions = sa.table("institutions", sa.column("id"), *(sa.column(f) for f in SOURCE_FIELDS),
                            sa.column("search_text"), sa.column("name_chars"))
    rows = connection.execute(sa.select(institutions.c.id, *(institutions.c[f] for f in SOURCE_FIELDS))).mappings().all()
    for row in rows:
        connection.execute(institutions.update().where(institutions.c.id == row["id"]).values(**keys(dict(row))))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("institutions_search_insert", "institutions_search_delete", "institutions_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS institution_fts")
        op.execute("DROP TABLE IF EXISTS institution_name_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_institutions_search_trgm")
        op.execute("DROP INDEX IF EXISTS ix_institutions_name_trgm")
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_column('name_chars')
        batch_op.drop_column('search_text')
