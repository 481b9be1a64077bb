"""Safeguarding items: one per response, its flags become findings; answers read by a person

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00

Each response with flags gets one item: status the most pressing of its flags' (new >
referred > reviewed > no further action), raised on the earliest flag's day, notified
only if every flag was, with all their notes. ``decided_on`` is the day of the item's
first note that gave it another status than new.

On SQLite a batch alteration copies the table and drops the old one, and with foreign
keys on, dropping a table deletes the rows that refer to it (ON DELETE CASCADE). So
tables are copied when nothing refers to them any more (notes, which referred to flags,
before flags), and the rows that refer to ``answer`` are put back after it is copied.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: most pressing first
URGENCY = ("new", "referred", "reviewed", "no_further_action")

item = sa.table('safeguarding_item', sa.column('id', sa.Integer),
                sa.column('response_id', sa.Integer), sa.column('raised_on', sa.Date),
                sa.column('status', sa.String), sa.column('notified', sa.Boolean),
                sa.column('decided_on', sa.Date))
flag = sa.table('safeguarding_flag', sa.column('id', sa.Integer),
                sa.column('answer_id', sa.Integer), sa.column('item_id', sa.Integer),
                sa.column('raised_on', sa.Date), sa.column('status', sa.String),
                sa.column('notified', sa.Boolean))
note = sa.table('safeguarding_note', sa.column('id', sa.Integer),
                sa.column('flag_id', sa.Integer), sa.column('item_id', sa.Integer),
                sa.column('at', sa.DateTime), sa.column('status', sa.String))
answer = sa.table('answer', sa.column('id', sa.Integer), sa.column('response_id', sa.Integer))


def upgrade() -> None:
    op.create_table('safeguarding_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_safeguarding_item_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_item')),
    sa.UniqueConstraint('response_id', name=op.f('uq_safeguarding_item_response_id'))
    )
    with op.batch_alter_table('safeguarding_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_item_raised_on'), ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_item_status'), ['status'], unique=False)

    # Plain added columns first (no copy on SQLite), filled in by _items_from_flags.
    op.add_column('safeguarding_flag', sa.Column('item_id', sa.Integer(), nullable=True))
    op.add_column('safeguarding_note', sa.Column('item_id', sa.Integer(), nullable=True))
    _items_from_flags(op.get_bind())

    with op.batch_alter_table('safeguarding_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_note_flag_id'))
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_note_flag_id_safeguarding_flag'), type_='foreignkey')
        batch_op.drop_column('flag_id')
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_note_item_id_safeguarding_item'), 'safeguarding_item', ['item_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_safeguarding_note_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('safeguarding_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_flag_status'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_flag_raised_on'))
        batch_op.drop_column('raised_on')
        batch_op.drop_column('status')
        batch_op.drop_column('notified')
        batch_op.alter_column('item_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_flag_item_id_safeguarding_item'), 'safeguarding_item', ['item_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_safeguarding_flag_item_id'), ['item_id'], unique=False)

    def add_reader(batch_op: BatchOperations) -> None:
        batch_op.add_column(sa.Column('read_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('read_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_answer_read_by_id_user'), 'user', ['read_by_id'], ['id'], ondelete='SET NULL')

    _alter_answer(add_reader)


def _alter_answer(alter: Callable[[BatchOperations], None]) -> None:
    """Alter ``answer``. On SQLite that copies the table, and dropping the old one
    deletes the rows that refer to it (theme assignments, safeguarding findings), so
    they are read first and put back, with their ids."""
    conn = op.get_bind()
    saved = []
    if conn.dialect.name == 'sqlite':
        meta = sa.MetaData()
        for name in ('comment_theme', 'safeguarding_flag'):
            table = sa.Table(name, meta, autoload_with=conn)
            saved.append((table, [dict(r._mapping) for r in conn.execute(sa.select(table))]))
    with op.batch_alter_table('answer', schema=None) as batch_op:
        alter(batch_op)
    for table, rows in saved:
        conn.execute(table.delete())
        if rows:
            conn.execute(table.insert(), rows)


def _items_from_flags(conn: sa.Connection) -> None:
    """One item per response that has flags; the flags and their notes moved to it."""
    rows = conn.execute(
        sa.select(flag.c.id, answer.c.response_id, flag.c.raised_on, flag.c.status,
                  flag.c.notified)
        .join(answer, answer.c.id == flag.c.answer_id).order_by(flag.c.id)).all()
    by_response = defaultdict(list)
    for row in rows:
        by_response[row.response_id].append(row)
    notes = defaultdict(list)
    for row in conn.execute(sa.select(note.c.flag_id, note.c.at, note.c.status)
                            .order_by(note.c.at, note.c.id)):
        notes[row.flag_id].append(row)
    for response_id, flags in by_response.items():
        decisions = sorted((n for f in flags for n in notes[f.id] if n.status != 'new'),
                           key=lambda n: n.at)
        status = URGENCY[min(URGENCY.index(f.status) if f.status in URGENCY else 0
                             for f in flags)]
        new_id = conn.execute(item.insert().values(
            response_id=response_id, raised_on=min(f.raised_on for f in flags),
            status=status, notified=all(f.notified for f in flags),
            decided_on=decisions[0].at.date() if decisions and status != 'new' else None
        ).returning(item.c.id)).scalar_one()
        ids = [f.id for f in flags]
        conn.execute(flag.update().where(flag.c.id.in_(ids)).values(item_id=new_id))
        conn.execute(note.update().where(note.c.flag_id.in_(ids)).values(item_id=new_id))


def downgrade() -> None:
    def drop_reader(batch_op: BatchOperations) -> None:
        batch_op.drop_constraint(batch_op.f('fk_answer_read_by_id_user'), type_='foreignkey')
        batch_op.drop_column('read_by_id')
        batch_op.drop_column('read_on')

    _alter_answer(drop_reader)

    op.add_column('safeguarding_flag', sa.Column('raised_on', sa.Date(), nullable=True))
    op.add_column('safeguarding_flag', sa.Column('status', sa.String(length=20), nullable=True))
    op.add_column('safeguarding_flag', sa.Column('notified', sa.Boolean(), nullable=True))
    op.add_column('safeguarding_note', sa.Column('flag_id', sa.Integer(), nullable=True))
    conn = op.get_bind()
    for row in conn.execute(sa.select(item)):
        conn.execute(flag.update().where(flag.c.item_id == row.id).values(
            raised_on=row.raised_on, status=row.status, notified=row.notified))
        first = conn.scalar(sa.select(sa.func.min(flag.c.id)).where(flag.c.item_id == row.id))
        conn.execute(note.update().where(note.c.item_id == row.id).values(flag_id=first))

    # Flags before notes: nothing refers to a flag while its table is copied.
    with op.batch_alter_table('safeguarding_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_flag_item_id'))
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_flag_item_id_safeguarding_item'), type_='foreignkey')
        batch_op.drop_column('item_id')
        batch_op.alter_column('raised_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('status', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('notified', existing_type=sa.Boolean(), nullable=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_flag_raised_on'), ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_flag_status'), ['status'], unique=False)

    with op.batch_alter_table('safeguarding_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_note_item_id'))
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_note_item_id_safeguarding_item'), type_='foreignkey')
        batch_op.drop_column('item_id')
        batch_op.alter_column('flag_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_note_flag_id_safeguarding_flag'), 'safeguarding_flag', ['flag_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_safeguarding_note_flag_id'), ['flag_id'], unique=False)

    with op.batch_alter_table('safeguarding_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_item_status'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_item_raised_on'))

    op.drop_table('safeguarding_item')
