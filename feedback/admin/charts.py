"""Chart images for the results and comparison pages, as PNG or SVG, from the cache.

Each route recomputes the figures the page showed (cheap: the statistics are cached)
with the same team scope and filters, builds the chart, and serves its bytes from
:func:`feedback.services.results_charts.chart_bytes` (drawn once per distinct
chart). The pages carry the alt text and a data table beside each image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, abort, request

from feedback.admin import bp
from feedback.admin.compare import change_display, comparison_from_args
from feedback.admin.results import (
    THEMES_SHOWN,
    requested_filters,
    scoped_wave,
    theme_display,
)
from feedback.admin.scope import team_scope
from feedback.auth.roles import Permission, requires
from feedback.services import results

if TYPE_CHECKING:
    from analysis.charts import ChartDisplay


def _send(display: ChartDisplay, fmt: str) -> Response:
    """The chart's bytes with an ETag (the hash of its figures). Workspace responses are
    never stored by browsers (``no-store``, feedback/security.py), so a chart is never
    older than the table beside it; the ETag lets a client that does keep it revalidate."""
    # matplotlib loads on first use, not in every web worker
    from feedback.services.results_charts import FORMATS, chart_bytes, chart_key

    if fmt not in FORMATS:
        abort(404)
    etag = chart_key(display, fmt)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(chart_bytes(display, fmt), mimetype=FORMATS[fmt])
    response.set_etag(etag)
    return response


def _wave_results(wave_key: str):
    wave = scoped_wave(wave_key)
    filters = requested_filters(results.definition(wave), request.args)
    try:
        return wave, filters, results.wave_results(wave, team=team_scope(), filters=filters)
    except (results.OutsideTeam, results.BadFilter):
        abort(404)


@bp.get("/charts/results/<wave_key>/<int:index>.<fmt>")
@requires(Permission.VIEW_RESULTS)
def chart_results_section(wave_key: str, index: int, fmt: str):
    """The agreement chart of one section of a wave's results (filters as on the page)."""
    from analysis.charts import AgreementDisplay

    _, _, found = _wave_results(wave_key)
    sections = found.sections()
    if not 0 <= index < len(sections) or found.hidden:
        abort(404)
    title, group = sections[index]
    return _send(AgreementDisplay.from_scores([q.score for q in group if q.scored],
                                              title=title), fmt)


@bp.get("/charts/themes/<wave_key>/<question_key>.<fmt>")
@requires(Permission.VIEW_RESULTS)
def chart_themes(wave_key: str, question_key: str, fmt: str):
    """The themes of one free-text question in a wave (filters as on the page)."""
    wave, filters, found = _wave_results(wave_key)
    if found.hidden:
        abort(404)
    themes = results.wave_themes(wave, team=team_scope(), filters=filters, quotes=0,
                                 limit=THEMES_SHOWN)
    chosen = next((t for t in themes if t.question_key == question_key and t.fitted), None)
    if chosen is None:
        abort(404)
    return _send(theme_display(chosen), fmt)


@bp.get("/charts/compare.<fmt>")
@requires(Permission.VIEW_RESULTS)
def chart_compare(fmt: str):
    """The dot plot of a comparison chosen by the same query string as the page."""
    found = comparison_from_args(request.args)
    if found is None:
        abort(404)
    return _send(change_display(found), fmt)
