"""Theme runs, themes, the theme of each comment, and cached embeddings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:27:41.283895
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('embedding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=80), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_embedding')),
    sa.UniqueConstraint('model', 'text_hash', name=op.f('uq_embedding_model_text_hash'))
    )
    op.create_table('theme_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=False),
    sa.Column('wave_keys', sa.JSON(), nullable=False),
    sa.Column('backend', sa.String(length=20), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('n_comments', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('model', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['previous_id'], ['theme_run.id'], name=op.f('fk_theme_run_previous_id_theme_run')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_theme_run_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_run'))
    )
    with op.batch_alter_table('theme_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_run_survey_id'), ['survey_id'], unique=False)

    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('quotes', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('share', sa.Double(), nullable=False),
    sa.Column('subthemes', sa.JSON(), nullable=False),
    sa.Column('centroid', sa.JSON(), nullable=False),
    sa.Column('space', sa.String(length=80), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('is_non_answer', sa.Boolean(), nullable=False),
    sa.Column('is_new', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['theme_run.id'], name=op.f('fk_theme_run_id_theme_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('run_id', 'number', name=op.f('uq_theme_run_id_number'))
    )
    op.create_table('comment_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('theme_number', sa.Integer(), nullable=False),
    sa.Column('subtheme_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_comment_theme_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['theme_run.id'], name=op.f('fk_comment_theme_run_id_theme_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_theme')),
    sa.UniqueConstraint('run_id', 'answer_id', name=op.f('uq_comment_theme_run_id_answer_id'))
    )
    with op.batch_alter_table('comment_theme', schema=None) as batch_op:
        batch_op.create_index('ix_comment_theme_answer_id', ['answer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('comment_theme', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_theme_answer_id')

    op.drop_table('comment_theme')
    op.drop_table('theme')
    with op.batch_alter_table('theme_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_run_survey_id'))

    op.drop_table('theme_run')
    op.drop_table('embedding')
