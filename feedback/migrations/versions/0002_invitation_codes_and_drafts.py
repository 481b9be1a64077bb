"""Invitation codes, drafts (save and resume), and waves that require a code.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:57:40.206803
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('resume_hash', sa.String(length=64), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('invitation_hash', sa.String(length=64), nullable=True),
    sa.Column('updated_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_draft_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft')),
    sa.UniqueConstraint('resume_hash', name=op.f('uq_draft_resume_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_draft_token_hash'))
    )
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_wave_id'), ['wave_id'], unique=False)

    op.create_table('invitation_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], name=op.f('fk_invitation_code_wave_id_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_code')),
    sa.UniqueConstraint('wave_id', 'code_hash', name=op.f('uq_invitation_code_wave_id_code_hash'))
    )
    with op.batch_alter_table('invitation_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_code_wave_id'), ['wave_id'], unique=False)

    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_code', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_column('requires_code')

    with op.batch_alter_table('invitation_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_code_wave_id'))

    op.drop_table('invitation_code')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_wave_id'))

    op.drop_table('draft')
