"""The network at a glance (administrators): the figures of
gateway.network_statistics (the operators' API answers the same) as
server-made SVG charts (templates/console/charts.html), the same figures in
tables, and every figure as CSV."""

import csv
import io

from flask import Response, render_template
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from gateway.console import actor, blueprint, operator_required
from gateway.network_statistics import figures, sections


def shown(figure, value):
    """A figure as the page shows it, in the page's language."""
    if value is None:
        return _("none yet")
    if figure == "acceptance_rate":
        return format_percent(value, "#,##0.#%")
    if isinstance(value, float):
        return format_decimal(round(value, 1))
    return format_decimal(value)


def chart(rows):
    """Bars for a chart: (label, the value as the table shows it, share of the largest)."""
    largest = max([row[2] or 0 for row in rows] + [1])
    return [
        (label, shown(figure, value or 0), (value or 0) / largest) for figure, label, value in rows
    ]


@blueprint.get("/statistics")
@operator_required("statistics")
def statistics():
    found = sections(figures(actor()))
    by_key = {key: (title, rows) for key, title, rows in found}
    return render_template(
        "console/statistics.html",
        sections=by_key,
        shown=shown,
        chart=chart,
    )


@blueprint.get("/statistics.csv")
@operator_required("statistics")
def statistics_csv():
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "figure", "label", "value"])
    for key, _title, rows in sections(figures(actor())):
        for figure, label, value in rows:
            writer.writerow([key, figure, str(label), "" if value is None else value])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=mentornet-statistics.csv"},
    )
