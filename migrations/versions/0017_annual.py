"""annual inspection: campaigns, the institutions due in each, materials, item results, grade corrections

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 12:26:52.366394

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('area', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('materials_deadline', sa.Date(), nullable=False),
    sa.Column('results_deadline', sa.Date(), nullable=False),
    sa.Column('cutoff', sa.Date(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('due_count', sa.Integer(), nullable=False),
    sa.Column('exempt_count', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_annual_campaigns_department_code_departments')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_annual_campaigns_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_campaigns')),
    sa.UniqueConstraint('department_code', 'area', 'year', name='uq_annual_campaigns_scope_year')
    )
    with op.batch_alter_table('annual_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_campaigns_department_code'), ['department_code'], unique=False)

    op.create_table('annual_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('district', sa.String(length=12), nullable=False),
    sa.Column('state', sa.Enum('due', 'exempt', 'reviewed', 'closed', name='annual_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('exempt_reason', sa.String(length=40), nullable=False),
    sa.Column('grade', sa.Enum('pass', 'basic', 'fail', 'absent', name='annual_grade', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('refused', sa.Boolean(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('cosigned_by_id', sa.Integer(), nullable=True),
    sa.Column('rectification', sa.Text(), nullable=False),
    sa.Column('rectification_deadline', sa.Date(), nullable=True),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('enrolment_stopped', sa.Boolean(), nullable=False),
    sa.Column('proposal', sa.Enum('suspend', 'revoke', name='annual_proposal', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('proposal_state', sa.Enum('proposed', 'confirmed', 'declined', name='annual_proposal_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('proposal_reason', sa.Text(), nullable=False),
    sa.Column('closed_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['annual_campaigns.id'], name=op.f('fk_annual_inspections_campaign_id_annual_campaigns')),
    sa.ForeignKeyConstraint(['cosigned_by_id'], ['users.id'], name=op.f('fk_annual_inspections_cosigned_by_id_users')),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_annual_inspections_department_code_departments')),
    sa.ForeignKeyConstraint(['district'], ['districts.code'], name=op.f('fk_annual_inspections_district_districts')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_annual_inspections_institution_id_institutions')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_annual_inspections_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_inspections')),
    sa.UniqueConstraint('institution_id', 'year', name='uq_annual_inspections_institution_year')
    )
    with op.batch_alter_table('annual_inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_inspections_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_annual_inspections_campaign_state', ['campaign_id', 'state', 'grade'], unique=False)
        batch_op.create_index('ix_annual_inspections_year_district', ['year', 'district'], unique=False)

    op.create_table('annual_grade_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('from_grade', sa.Enum('pass', 'basic', 'fail', 'absent', name='annual_from_grade', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('to_grade', sa.Enum('pass', 'basic', 'fail', 'absent', name='annual_to_grade', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('from_points', sa.Integer(), nullable=True),
    sa.Column('to_points', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_annual_grade_corrections_actor_id_users')),
    sa.ForeignKeyConstraint(['inspection_id'], ['annual_inspections.id'], name=op.f('fk_annual_grade_corrections_inspection_id_annual_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_grade_corrections'))
    )
    with op.batch_alter_table('annual_grade_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_grade_corrections_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('annual_item_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=40), nullable=False),
    sa.Column('points_lost', sa.Integer(), nullable=False),
    sa.Column('fails_whole', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['annual_inspections.id'], name=op.f('fk_annual_item_results_inspection_id_annual_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_item_results'))
    )
    with op.batch_alter_table('annual_item_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_item_results_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('annual_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['annual_inspections.id'], name=op.f('fk_annual_materials_inspection_id_annual_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_materials')),
    sa.UniqueConstraint('inspection_id', 'kind', name='uq_annual_materials_inspection_kind')
    )


def downgrade():
    op.drop_table('annual_materials')
    with op.batch_alter_table('annual_item_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_item_results_inspection_id'))

    op.drop_table('annual_item_results')
    with op.batch_alter_table('annual_grade_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_grade_corrections_inspection_id'))

    op.drop_table('annual_grade_corrections')
    with op.batch_alter_table('annual_inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_annual_inspections_year_district')
        batch_op.drop_index('ix_annual_inspections_campaign_state')
        batch_op.drop_index(batch_op.f('ix_annual_inspections_campaign_id'))

    op.drop_table('annual_inspections')
    with op.batch_alter_table('annual_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_campaigns_department_code'))

    op.drop_table('annual_campaigns')
