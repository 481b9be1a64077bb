"""A wave's responses as CSV or Excel, with the anonymity rules applied.

One row per response, one column per question (choice labels, not codes), free text
redacted. What keeps a small group from being picked out of the rows:

1. **The whole wave**: no export when the wave has fewer responses than the survey's
   ``min_group_score``.
2. **Each segment column** (team, role, age band...): the groups that
   :func:`analysis.stats.suppress_groups` hides, primary *and* secondary, are merged
   into one value, "Other (small groups)", so the merged group always reaches the
   threshold and no hidden group can be worked out from the others.
3. **Segment columns together**: when a combination of the exported segment values
   (say team North and role manager) would still pick out fewer people than the
   threshold, a whole segment column is withheld, the one whose loss fixes most;
   repeated until every combination is big enough or empty.
4. **Free text** is shown only for rows whose combination of exported segment values
   holds at least ``min_group_comments`` responses; otherwise it is withheld.

Rows are sorted by their segment values and then in an order fixed per wave that
says nothing about when people answered; neither response ids nor dates are exported.

Every text cell is made inert (:func:`neutralise`): control characters are removed
and a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(after any spaces) gets a leading apostrophe, so a spreadsheet never runs it as a
formula. Formats are a registry (:data:`FORMATS`); every export is audited
(``export.responses``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from analysis.stats import ALL, NOT_GIVEN, hidden_note, suppress_groups
from feedback.models import Wave
from feedback.services import ServiceError, audit, results
from surveys import Question, get_type
from surveys import Survey as Definition

OTHER = "Other (small groups)"
WITHHELD = "[withheld: fewer than {n} people in this group]"
#: What a spreadsheet may take for the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
# C0 and C1 control characters except tab, line feed and carriage return, plus the
# Unicode direction overrides that can make a cell read differently from what it holds.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

Cell = str | int | None


class ExportRefused(ServiceError):
    """The export would break the anonymity rules (too few responses)."""


def neutralise(value: Cell) -> Cell:
    """A cell value that no spreadsheet will evaluate: numbers as they are, text cleaned
    of control characters and prefixed with ``'`` when it could start a formula."""
    if value is None or isinstance(value, int):
        return value
    text = _CONTROL.sub("", str(value))
    if text.startswith(("\t", "\r")) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass(frozen=True)
class ResponseTable:
    """A wave's responses ready to write: headers, rows and notes on what was held back."""

    survey_title: str
    wave_key: str
    wave_title: str
    headers: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Export:
    """A file to send: its name, media type and bytes."""

    filename: str
    mimetype: str
    data: bytes
    rows: int


# -- building the table ----------------------------------------------------------------

def _labels(question: Question) -> dict[str, str]:
    return {c.value: c.label for c in get_type(question.type).offered(question)}


def _answer_cell(question: Question, value: object) -> Cell:
    """An answer as it reads: choice labels, numbers as numbers, dates as ISO text."""
    if value is None or value == ():
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value  # numbers and ratings; choice values are always text
    labels = _labels(question)
    if isinstance(value, list | tuple):
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


def _generalise(segments: list[Question], values: list[list[str]], min_n: int,
                ) -> tuple[list[list[str]], list[str]]:
    """Merge small groups of each segment column, then withhold whole columns until
    every combination of the exported values is empty or reaches ``min_n``."""
    notes: list[str] = []
    columns = [list(col) for col in zip(*values, strict=True)] if values else []
    for index, question in enumerate(segments):
        hidden = suppress_groups(Counter(columns[index]), min_n)
        if hidden - {ALL}:
            columns[index] = [OTHER if v in hidden else v for v in columns[index]]
            notes.append(f"{question.text}: groups of fewer than {min_n}, and groups hidden "
                         f"so that they cannot be worked out from the others, are shown as "
                         f"\u201c{OTHER}\u201d.")
    kept = list(range(len(segments)))

    def small_rows(indexes: list[int]) -> int:
        combos = Counter(tuple(columns[i][r] for i in indexes) for r in range(len(values)))
        return sum(n for n in combos.values() if 0 < n < min_n)

    while len(kept) > 1 and small_rows(kept):
        # Withhold the column whose loss leaves fewest rows in small combinations;
        # on a tie, the later one (definitions put the main breakdown first).
        drop = min(reversed(kept), key=lambda i: small_rows([k for k in kept if k != i]))
        kept.remove(drop)
        columns[drop] = ["[withheld]"] * len(values)
        notes.append(f"{segments[drop].text}: withheld, because together with the other "
                     f"groups it would pick out fewer than {min_n} people.")
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in values]
    return rows, notes


def _row_order(wave_key: str, response_id: int) -> str:
    return hashlib.sha256(f"{wave_key}:{response_id}".encode()).hexdigest()


def response_table(wave: Wave) -> ResponseTable:
    """The wave's responses as rows, after the rules in this module's docstring."""
    definition: Definition = results.definition(wave)
    settings = definition.settings
    records = results.load_responses(wave)
    if len(records) < settings.min_group_score:
        raise ExportRefused(f"{wave.title} has fewer than {settings.min_group_score} "
                            "responses: too few to export without identifying anyone")
    questions = list(definition.questions())
    segments = definition.segment_questions()
    labels = {q.key: _labels(q) for q in segments}
    raw = [[NOT_GIVEN if r.answers.get(q.key) is None
            else labels[q.key].get(str(r.answers[q.key]), str(r.answers[q.key]))
            for q in segments] for r in records]
    generalised, notes = _generalise(segments, raw, settings.min_group_score)
    group_of = [tuple(row) for row in generalised]
    group_sizes = Counter(group_of)
    comments: dict[tuple[int, str], str] = {
        (c.response_id, c.question_key): c.text
        for c in results.load_comments(wave, include_non_answers=True)}
    free = {q.key for q in questions if get_type(q.type).free_text}
    withheld = WITHHELD.format(n=settings.min_group_comments)
    rows = []
    for record, segment_row, group in zip(records, generalised, group_of, strict=True):
        segment_cells = dict(zip((q.key for q in segments), segment_row, strict=True))
        speaks = group_sizes[group] >= settings.min_group_comments
        cells: list[Cell] = []
        for q in questions:
            if q.key in segment_cells:
                value = segment_cells[q.key]
                cells.append(None if value == NOT_GIVEN else value)
            elif q.key in free:
                text = comments.get((record.response_id, q.key))
                cells.append((text if speaks else withheld) if text else None)
            else:
                cells.append(_answer_cell(q, record.answers.get(q.key)))
        rows.append((segment_row, _row_order(wave.key, record.response_id), tuple(cells)))
    rows.sort(key=lambda r: (r[0], r[1]))
    if free and any(n < settings.min_group_comments for n in group_sizes.values()):
        notes.append(f"Written answers are withheld for groups of fewer than "
                     f"{settings.min_group_comments} people.")
    if free:
        notes.append("Written answers have names, phone numbers, emails, postcodes and "
                     "dates of birth replaced by placeholders such as [name].")
    if notes:
        notes.append(hidden_note(settings.min_group_score))
    return ResponseTable(definition.title, wave.key, wave.title,
                         tuple(q.text for q in questions), tuple(q.key for q in questions),
                         tuple(cells for *_, cells in rows), tuple(notes))


# -- formats ---------------------------------------------------------------------------

def write_csv(table: ResponseTable) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read accents and Polish letters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(table: ResponseTable) -> bytes:
    """A workbook with the responses and a sheet saying what was held back and why."""
    # openpyxl loads on first use, not in every web worker
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Responses"
    _append(sheet, table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        _append(sheet, row)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("About this export")
    _append(about, ("Survey", table.survey_title))
    _append(about, ("Wave", f"{table.wave_title} ({table.wave_key})"))
    _append(about, ("Responses", len(table.rows)))
    for note in table.notes or ("No groups needed to be merged or withheld.",):
        _append(about, ("Note", note))
    _append(about, ())
    _append(about, ("Column", "Question key"))
    for header, key in zip(table.headers, table.keys, strict=True):
        _append(about, (header, key))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet, values: Sequence[Cell]) -> None:
    sheet.append([neutralise(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text, never a formula, whatever it looks like


#: format name -> (writer, media type)
FORMATS: dict[str, tuple[Callable[[ResponseTable], bytes], str]] = {
    "csv": (write_csv, "text/csv; charset=utf-8"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def export_responses(wave: Wave, fmt: str) -> Export:
    """The wave's responses in ``fmt`` (a key of :data:`FORMATS`), audited."""
    if fmt not in FORMATS:
        raise ServiceError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    table = response_table(wave)
    writer, mimetype = FORMATS[fmt]
    data = writer(table)
    audit.record("export.responses", wave.key, format=fmt, rows=len(table.rows))
    return Export(f"{wave.key}-responses.{fmt}", mimetype, data, len(table.rows))
