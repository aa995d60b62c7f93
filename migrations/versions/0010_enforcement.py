"""enforcement: checklists, violation types, inspections (staff, results), leads, penalty cases (steps), fines (payments)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:40:27.950759

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('violation_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=False),
    sa.Column('fine_min', sa.BigInteger(), nullable=True),
    sa.Column('fine_max', sa.BigInteger(), nullable=True),
    sa.Column('income_times_min', sa.Float(), nullable=True),
    sa.Column('income_times_max', sa.Float(), nullable=True),
    sa.Column('bulletin_group', sa.Enum('disguised', 'advertising', 'fees', 'staff', 'safety', 'unlicensed', name='bulletin_group', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_violation_types'))
    )
    op.create_table('checklist_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label_zh', sa.String(length=200), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=False),
    sa.Column('bulletin_group', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['category'], ['categories.code'], name=op.f('fk_checklist_items_category_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_items')),
    sa.UniqueConstraint('category', 'key', name='uq_checklist_items_category_key')
    )
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_items_category'), ['category'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('joint', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Enum('compliant', 'rectification', 'case', name='inspection_outcome', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('follows_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_inspections_department_code_departments')),
    sa.ForeignKeyConstraint(['follows_id'], ['inspections.id'], name=op.f('fk_inspections_follows_id_inspections')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_inspections_institution_id_institutions')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_inspections_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_follows_id'), ['follows_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspected_on'), ['inspected_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_institution_id'), ['institution_id'], unique=False)

    op.create_table('inspection_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('pass', 'fail', 'na', name='item_result', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('photo_key', sa.String(length=200), nullable=True),
    sa.Column('photo_type', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_results_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['item_id'], ['checklist_items.id'], name=op.f('fk_inspection_results_item_id_checklist_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_results')),
    sa.UniqueConstraint('inspection_id', 'item_id', name='uq_inspection_results_item'),
    sa.UniqueConstraint('photo_key', name=op.f('uq_inspection_results_photo_key'))
    )
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_results_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_results_item_id'), ['item_id'], unique=False)

    op.create_table('inspection_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_inspection_staff_department_code_departments')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_staff_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inspection_staff_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_staff')),
    sa.UniqueConstraint('inspection_id', 'user_id', name='uq_inspection_staff_person')
    )
    with op.batch_alter_table('inspection_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_staff_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_staff_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_staff_user_id'), ['user_id'], unique=False)

    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=20), nullable=False),
    sa.Column('source', sa.Enum('grid', 'inspection', 'hotline', 'public', name='lead_source', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_address', sa.String(length=300), nullable=False),
    sa.Column('district', sa.String(length=12), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reporter_name', sa.String(length=50), nullable=False),
    sa.Column('reporter_phone', sa.String(length=30), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('visit_report_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Enum('received', 'assigned', 'handling', 'closed', name='lead_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('unfounded', 'rectified', 'case_opened', 'transferred', name='lead_outcome', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_leads_assignee_id_users')),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_leads_department_code_departments')),
    sa.ForeignKeyConstraint(['district'], ['districts.code'], name=op.f('fk_leads_district_districts')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_leads_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_leads_institution_id_institutions')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_leads_reported_by_id_users')),
    sa.ForeignKeyConstraint(['visit_report_id'], ['grid_visit_reports.id'], name=op.f('fk_leads_visit_report_id_grid_visit_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('tracking_number', name=op.f('uq_leads_tracking_number')),
    sa.UniqueConstraint('visit_report_id', name=op.f('uq_leads_visit_report_id'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_reported_by_id'), ['reported_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_state'), ['state'], unique=False)

    op.create_table('penalty_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('district', sa.String(length=12), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('step', sa.Enum('opened', 'investigated', 'notified', 'reviewed', 'decided', 'served', 'executed', 'closed', name='case_step', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('violation_type_code', sa.String(length=40), nullable=True),
    sa.Column('sanctions', sa.JSON(), nullable=False),
    sa.Column('illegal_income', sa.BigInteger(), nullable=True),
    sa.Column('fine_amount', sa.BigInteger(), nullable=False),
    sa.Column('confiscation_amount', sa.BigInteger(), nullable=False),
    sa.Column('refund_order', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_penalty_cases_department_code_departments')),
    sa.ForeignKeyConstraint(['district'], ['districts.code'], name=op.f('fk_penalty_cases_district_districts')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_penalty_cases_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_penalty_cases_institution_id_institutions')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_penalty_cases_lead_id_leads')),
    sa.ForeignKeyConstraint(['violation_type_code'], ['violation_types.code'], name=op.f('fk_penalty_cases_violation_type_code_violation_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_penalty_cases')),
    sa.UniqueConstraint('department_code', 'year', 'serial', name='uq_penalty_cases_serial'),
    sa.UniqueConstraint('number', name=op.f('uq_penalty_cases_number'))
    )
    with op.batch_alter_table('penalty_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_penalty_cases_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalty_cases_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalty_cases_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalty_cases_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalty_cases_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_penalty_cases_step'), ['step'], unique=False)

    op.create_table('case_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('opened', 'investigated', 'notified', 'reviewed', 'decided', 'served', 'executed', 'closed', name='step', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('people', sa.JSON(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['penalty_cases.id'], name=op.f('fk_case_steps_case_id_penalty_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_case_steps_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_steps')),
    sa.UniqueConstraint('case_id', 'step', name='uq_case_steps_step')
    )
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_steps_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_steps_done_on'), ['done_on'], unique=False)

    op.create_table('fines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=20), nullable=False),
    sa.Column('fine_amount', sa.BigInteger(), nullable=False),
    sa.Column('confiscation_amount', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['penalty_cases.id'], name=op.f('fk_fines_case_id_penalty_cases')),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_fines_department_code_departments')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_fines_institution_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fines')),
    sa.UniqueConstraint('case_id', name=op.f('uq_fines_case_id'))
    )
    with op.batch_alter_table('fines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fines_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_fines_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_fines_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_fines_institution_id'), ['institution_id'], unique=False)

    op.create_table('fine_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fine_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('receipt_number', sa.String(length=60), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['fine_id'], ['fines.id'], name=op.f('fk_fine_payments_fine_id_fines')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_fine_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fine_payments')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_fine_payments_receipt_number'))
    )
    with op.batch_alter_table('fine_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fine_payments_fine_id'), ['fine_id'], unique=False)



def downgrade():
    with op.batch_alter_table('fine_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fine_payments_fine_id'))

    op.drop_table('fine_payments')
    with op.batch_alter_table('fines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fines_institution_id'))
        batch_op.drop_index(batch_op.f('ix_fines_due_on'))
        batch_op.drop_index(batch_op.f('ix_fines_department_code'))
        batch_op.drop_index(batch_op.f('ix_fines_decided_on'))

    op.drop_table('fines')
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_steps_done_on'))
        batch_op.drop_index(batch_op.f('ix_case_steps_case_id'))

    op.drop_table('case_steps')
    with op.batch_alter_table('penalty_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_penalty_cases_step'))
        batch_op.drop_index(batch_op.f('ix_penalty_cases_lead_id'))
        batch_op.drop_index(batch_op.f('ix_penalty_cases_institution_id'))
        batch_op.drop_index(batch_op.f('ix_penalty_cases_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_penalty_cases_district'))
        batch_op.drop_index(batch_op.f('ix_penalty_cases_department_code'))

    op.drop_table('penalty_cases')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_state'))
        batch_op.drop_index(batch_op.f('ix_leads_reported_by_id'))
        batch_op.drop_index(batch_op.f('ix_leads_received_on'))
        batch_op.drop_index(batch_op.f('ix_leads_institution_id'))
        batch_op.drop_index(batch_op.f('ix_leads_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_leads_district'))
        batch_op.drop_index(batch_op.f('ix_leads_department_code'))
        batch_op.drop_index(batch_op.f('ix_leads_deadline'))
        batch_op.drop_index(batch_op.f('ix_leads_closed_on'))
        batch_op.drop_index(batch_op.f('ix_leads_assignee_id'))

    op.drop_table('leads')
    with op.batch_alter_table('inspection_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_staff_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_staff_department_code'))

    op.drop_table('inspection_staff')
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_results_item_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_results_inspection_id'))

    op.drop_table('inspection_results')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_institution_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspected_on'))
        batch_op.drop_index(batch_op.f('ix_inspections_follows_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_department_code'))

    op.drop_table('inspections')
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_items_category'))

    op.drop_table('checklist_items')
    op.drop_table('violation_types')
