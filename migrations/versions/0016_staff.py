"""staff of institutions: the roster, the in-service teachers' roster (by digest), the matches between them; a lead
may come from the staff cross-check (lead source `staff`)

Revision ID: 0016
Revises: 0015

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

LEAD_SOURCES = ('grid', 'inspection', 'hotline', 'public')


def _lead_sources(values):
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_leads_lead_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_leads_lead_source'), sa.column('source').in_(values))


def upgrade():
    op.create_table('school_teachers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_digest', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_teachers')),
    sa.UniqueConstraint('id_digest', name=op.f('uq_school_teachers_id_digest'))
    )
    op.create_table('staff_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=20), nullable=False),
    sa.Column('id_digest', sa.String(length=64), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('role', sa.Enum('teaching', 'teaching_research', 'management', 'other', name='staff_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('subjects', sa.String(length=200), nullable=False),
    sa.Column('full_time', sa.Boolean(), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('nationality', sa.String(length=40), nullable=False),
    sa.Column('is_foreign', sa.Boolean(), nullable=False),
    sa.Column('teacher_cert', sa.String(length=40), nullable=False),
    sa.Column('professional_cert', sa.String(length=100), nullable=False),
    sa.Column('certificate_on', sa.Date(), nullable=True),
    sa.Column('check_result', sa.Enum('passed', 'refused', 'pending', name='staff_check_result', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('left_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_staff_members_institution_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('institution_id', 'id_digest', name='uq_staff_members_person')
    )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_id_digest'), ['id_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_members_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_members_left_on'), ['left_on'], unique=False)

    op.create_table('staff_teacher_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('teacher_name', sa.String(length=50), nullable=False),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.Column('employed_when_found', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_staff_teacher_matches_institution_id_institutions')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_staff_teacher_matches_staff_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_teacher_matches')),
    sa.UniqueConstraint('staff_id', name=op.f('uq_staff_teacher_matches_staff_id'))
    )
    with op.batch_alter_table('staff_teacher_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_teacher_matches_institution_id'), ['institution_id'], unique=False)

    _lead_sources(LEAD_SOURCES + ('staff',))


def downgrade():
    op.execute("DELETE FROM leads WHERE source = 'staff'")
    _lead_sources(LEAD_SOURCES)
    with op.batch_alter_table('staff_teacher_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_teacher_matches_institution_id'))

    op.drop_table('staff_teacher_matches')
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_left_on'))
        batch_op.drop_index(batch_op.f('ix_staff_members_institution_id'))
        batch_op.drop_index(batch_op.f('ix_staff_members_id_digest'))

    op.drop_table('staff_members')
    op.drop_table('school_teachers')
