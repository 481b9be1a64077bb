"""Drawing the board report (:class:`feedback.services.report.BoardReport`) with fpdf2.

Text is set in DejaVu Sans, the Unicode font shipped with matplotlib, so Polish
letters and curly quotes print as written. Everything people wrote is placed as
plain text: no markdown, no HTML, nothing that fpdf2 would interpret; control
characters are removed first. Charts are PNG images with their text alternative as
``alt_text`` and printed underneath as a caption. Headings are PDF bookmarks.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode

from analysis.stats import Comparison, Hidden, QuestionScore, hidden_note
from feedback.models import RagStatus
from feedback.services.report import BoardReport, Chart, KeyScore

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
#: RAG colours (fill, text) as in the workspace's tags: the word is always printed too
RAG_COLOURS = {
    RagStatus.BLUE: ((187, 212, 234), (12, 45, 88)),
    RagStatus.GREEN: ((204, 226, 216), (0, 90, 48)),
    RagStatus.AMBER: ((252, 214, 195), (110, 54, 25)),
    RagStatus.RED: ((244, 205, 198), (148, 37, 20)),
}
HEADINGS = FontFace(emphasis="BOLD", fill_color=(233, 236, 239))
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: object) -> str:
    """Text as it will be printed: control characters and direction overrides removed."""
    return _CONTROL.sub("", str(text))


def share_n(score: QuestionScore | Hidden | None) -> str:
    """"72% (n=58)", or why there is no figure."""
    if score is None:
        return "not asked"
    if isinstance(score, Hidden):
        return score.label
    share = score.favourable_share
    return "no answers" if share is None else f"{share:.0%} (n={score.n})"


class ReportPDF(FPDF):
    """A4 portrait with the report's title and page numbers in the footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 5, clean(f"{self.footer_text}  ·  page {self.page_no()} of {{nb}}"),
                  align="C")
        self.set_text_color(0, 0, 0)

    # -- building blocks -------------------------------------------------------------

    def heading(self, text: str, level: int = 0) -> None:
        size = {0: 16, 1: 12.5}.get(level, 11)
        if self.will_page_break(size + 20):
            self.add_page()
        self.ln(2 if level else 4)
        self.start_section(clean(text), level=level)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_font(FONT, "", 10)

    def para(self, text: str, size: float = 10, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_font(FONT, "", 10)

    def chart(self, chart: Chart | None) -> None:
        if chart is None:
            return
        pixels_wide, pixels_high = struct.unpack(">II", chart.png[16:24])  # PNG IHDR
        width, height = self.epw, self.epw * pixels_high / pixels_wide
        if height > 180:  # a tall chart is shrunk to leave room for its caption
            width, height = width * 180 / height, 180
        if self.will_page_break(height + 10):
            self.add_page()
        self.image(io.BytesIO(chart.png), x=self.l_margin, w=width, h=height,
                   alt_text=clean(chart.caption)[:2000], title=clean(chart.title))
        self.set_text_color(60, 60, 60)
        self.para(f"Chart: {chart.caption}", size=8, style="I")
        self.set_text_color(0, 0, 0)


def _title_page(pdf: ReportPDF, r: BoardReport) -> None:
    pdf.add_page()
    pdf.set_y(55)
    pdf.para(r.service_name, size=14)
    pdf.set_font(FONT, "B", 24)
    pdf.start_section("Board report", level=0)
    pdf.multi_cell(0, 12, clean(r.survey_title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.para(f"{r.wave_title}: {r.opens_on:%-d %B %Y} to {r.closes_on:%-d %B %Y}", size=14)
    pdf.para(f"Board report for {r.scope.lower() if r.scope.startswith('The') else r.scope}",
             size=12)
    pdf.para(f"Who answered: {r.audience}", size=12)
    n = r.respondents.label if isinstance(r.respondents, Hidden) else r.respondents
    pdf.para(f"Responses: {n}", size=12)
    pdf.para(f"Produced on {r.generated_on:%-d %B %Y} by Chorus.", size=10)
    pdf.ln(8)
    pdf.para(f"Groups of fewer than {r.min_n} people are never shown, and written answers "
             f"only for groups of {r.min_comments} or more; names and contact details in "
             "quotes are replaced by placeholders such as [name]. Every percentage is given "
             "with its number of answers (n).", size=10)


def _response_rates(pdf: ReportPDF, r: BoardReport) -> None:
    pdf.add_page()
    pdf.heading("Response rates")
    pdf.para("Responses against the target head-counts set for the wave.")
    with pdf.table(col_widths=(90, 90), headings_style=HEADINGS, line_height=6,
                   cell_fill_mode=TableCellFillMode.NONE) as table:
        table.row(["Group", "Responses of target (rate)"])
        for rate in r.rates:
            table.row([clean("Everyone" if rate.group == "All" else rate.group),
                       clean(rate.label)])
    pdf.ln(3)
    pdf.chart(r.charts.get("rates"))


def _change(change: Comparison | Hidden | None) -> str:
    if change is None:
        return "–"
    if isinstance(change, Hidden):
        return change.label
    return f"{change.change_points:+.0f} pts" + (" *" if change.significant else "")


def _score_row(score: KeyScore, waves: tuple[str, ...]) -> list[str]:
    points = {p.wave_title: p for p in (score.trend.points if score.trend else ())}
    cells = [clean(score.text)]
    for title in waves:
        p = points.get(title)
        if p is None or not p.asked:
            cells.append("not asked")
        elif p.hidden or p.share is None:
            cells.append("hidden")
        else:
            cells.append(f"{p.share:.0%}\nn={p.n}")
    return [*cells, _change(score.change), clean(score.reading)]


def _scores(pdf: ReportPDF, r: BoardReport) -> None:
    pdf.add_page()
    pdf.heading("Key scores")
    since = f" since {r.previous_title}" if r.previous_title else ""
    waves = "this wave" if len(r.trend_waves) == 1 else f"the last {len(r.trend_waves)} waves"
    pdf.para(f"The favourable share of each question (agree or strongly agree, yes, or the "
             f"happiest faces) in {waves}, with the change{since} "
             f"in percentage points. * marks a change unlikely to be chance (two-proportion "
             f"z-test, Benjamini-Hochberg corrected, p < 0.05).", size=9)
    titles = r.trend_waves
    widths = (60, *([22] * len(titles)), 18, 180 - 60 - 22 * len(titles) - 18)
    with pdf.table(col_widths=widths, headings_style=HEADINGS, line_height=4.5,
                   text_align="LEFT", cell_fill_mode=TableCellFillMode.NONE) as table:
        pdf.set_font(FONT, "", 8)
        table.row(["Question", *[clean(w) for w in titles], "Change", "Reading"])
        for score in r.scores:
            table.row(_score_row(score, titles))
    pdf.set_font(FONT, "", 10)
    if any(isinstance(s.score, Hidden) for s in r.scores):
        pdf.para(hidden_note(r.min_n), size=8, style="I")
    for key in ("changes", "trends", "scores"):
        pdf.chart(r.charts.get(key))


def _themes(pdf: ReportPDF, r: BoardReport) -> None:
    pdf.add_page()
    pdf.heading("What people wrote: top themes")
    pdf.para("Comments are grouped into themes; shares are of the people who commented. "
             "Quotes are chosen as typical of each theme, with personal details removed.",
             size=9)
    if not r.themes:
        pdf.para("This survey has no questions for written answers.")
    for question in r.themes:
        pdf.heading(question.question_text, level=1)
        if not question.fitted:
            pdf.para("Themes have not been found for this question yet.")
            continue
        if question.themes is None:
            pdf.para(question.hidden_note)
            continue
        if not question.themes:
            pdf.para("Nobody wrote an answer to this question in this wave.")
            continue
        with pdf.table(col_widths=(120, 60), headings_style=HEADINGS, line_height=5.5,
                       cell_fill_mode=TableCellFillMode.NONE) as table:
            table.row(["Theme", "People who wrote about it"])
            for theme in question.themes:
                share = f" ({theme.share:.0%})" if theme.share is not None else ""
                table.row([clean(theme.label + (" (new)" if theme.is_new else "")),
                           f"{theme.count} of {theme.n}{share}"])
        pdf.ln(2)
        for theme in question.themes[:3]:
            if not theme.quotes:
                continue
            pdf.para(theme.label, size=10, style="B")
            for quote in theme.quotes:
                pdf.set_x(pdf.l_margin + 6)
                pdf.set_font(FONT, "I", 9)
                pdf.multi_cell(pdf.epw - 6, 4.5, clean(f"\u201c{quote}\u201d"),
                               new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
        pdf.set_font(FONT, "", 10)


def _actions(pdf: ReportPDF, r: BoardReport) -> None:
    pdf.add_page()
    pdf.heading("You said, we did: actions")
    pdf.para(f"Actions recorded for {r.audience.lower()}, those answering this survey first. "
             "Blue: completed. Green: on track. Amber: delayed, with a plan. Red: delayed, "
             "without a plan.", size=9)
    if not r.actions:
        pdf.para("No actions have been recorded yet.")
        return
    with pdf.table(col_widths=(70, 40, 25, 45), headings_style=HEADINGS, line_height=5,
                   cell_fill_mode=TableCellFillMode.NONE) as table:
        pdf.set_font(FONT, "", 9)
        table.row(["Action", "Owner", "Due", "Status"])
        for action in r.actions:
            fill, text = RAG_COLOURS[action.status]
            due = f"{action.due_on:%-d %b %Y}" if action.due_on else "no date"
            row = table.row()
            title = action.title + ("" if action.answers_this_survey else " (another survey)")
            row.cell(clean(title))
            row.cell(clean(action.owner))
            row.cell(due + ("\nOVERDUE" if action.overdue else ""))
            row.cell(f"{action.status.value.capitalize()}: {action.meaning.lower()}",
                     style=FontFace(emphasis="BOLD", color=text, fill_color=fill))
    pdf.set_font(FONT, "", 10)


def _notes(pdf: ReportPDF, r: BoardReport) -> None:
    pdf.heading("Notes on the figures")
    for note in (
        f"Anonymity: no figure is shown for a group of fewer than {r.min_n} people, and no "
        f"written answers for a group of fewer than {r.min_comments}. Some larger groups are "
        f"hidden too, so that a small group cannot be worked out by subtraction. "
        + hidden_note(r.min_n),
        "Every percentage is given with n, the number of people it is out of. \"Don't know\" "
        "and \"rather not say\" are left out of n.",
        "Changes: two-proportion z-tests against the previous wave, corrected for the number "
        "of questions (Benjamini-Hochberg); changes with fewer than 30 answers on either side "
        "should be read with care.",
        "Quotes have names, phone numbers, email addresses, postcodes and dates of birth "
        "replaced by placeholders; they are typical of a theme, not a count of it.",
    ):
        pdf.para(note, size=9)


def render(report: BoardReport) -> bytes:
    """The report as PDF bytes."""
    pdf = ReportPDF(f"{report.survey_title}, {report.wave_title}: {report.scope}")
    pdf.set_title(clean(f"Board report: {report.survey_title}, {report.wave_title}"))
    pdf.set_author(clean(report.service_name))
    pdf.set_subject(clean(report.scope))
    pdf.set_creator("Chorus")
    pdf.set_lang("en-GB")
    pdf.set_font(FONT, "", 10)
    _title_page(pdf, report)
    _response_rates(pdf, report)
    _scores(pdf, report)
    _themes(pdf, report)
    _actions(pdf, report)
    _notes(pdf, report)
    return bytes(pdf.output())
