"""The monthly report of one community as a PDF (ReportLab platypus and its own charts):
the figures with their counts, the index and its components, the 12-month trend, the open
alerts and recorded evaluations. Chinese is set in the built-in CID font STSong-Light."""
import io

from flask_babel import gettext as _
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from propmgmt.communities import modes
from propmgmt.monitoring import dashboard
from propmgmt.monitoring import scoring
from propmgmt.monitoring.models import vocab

FONT = "STSong-Light"
FIGURES = ("collection_rate", "collection_rate_dwellings", "response_rate", "on_time_rate",
           "reopen_rate", "tickets_per_100", "complaints_per_100", "rating_good_rate",
           "satisfaction", "inspection_completion", "inspection_pass", "facility_intact")


def _font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _shown(value):
    return _("no data") if value is None else f"{dashboard.percent(value)}"


def _chart(trend):
    drawing = Drawing(170 * mm, 55 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 40 * mm
    values = [float(index) if index is not None else None for *_rest, index in trend]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [period[2:] for period, *_rest in trend]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = colors.HexColor("#0d6efd")
    chart.lines[0].strokeWidth = 1.5
    drawing.add(chart)
    return drawing


def monthly_report(community, period):
    """The PDF bytes of `community`'s report for `period`."""
    _font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10, leading=14)
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=8)
    config = scoring.settings()
    trend = dashboard.trend(community, dashboard.last_periods(period, 12))
    _p, row, rates, index = trend[-1]
    story = [
        Paragraph(_("Monthly report: %(name)s, %(period)s", name=community.name, period=period),
                  title),
        Paragraph(_("Management mode: %(mode)s", mode=modes.LABELS.get(
            community.management_mode, "-")), base),
        Paragraph(_("Backsliding index: %(value)s (alert below %(threshold)s)",
                    value=_shown(index), threshold=config["index_threshold"]), base),
        Spacer(1, 4 * mm), Paragraph(_("Figures"), heading)]
    table = [[_("Indicator"), _("Value"), _("Red line")]]
    for name in FIGURES:
        line = config["red_lines"].get(name)
        table.append([str(scoring.RATE_LABELS[name]), _shown(rates.get(name)),
                      "" if line is None else str(line)])
    if row is not None:
        table += [[_("Overdue tickets"), str(row.overdue_open), ""],
                  [_("Escalations"), str(row.escalated), ""],
                  [_("Joint meetings held"), str(row.meetings_held), ""],
                  [_("Overdue action items"), str(row.action_items_overdue), ""],
                  [_("Backsliding events"), str(row.backsliding_events), ""]]
    story.append(_table(table, [90 * mm, 35 * mm, 30 * mm]))
    if row is not None and row.components:
        story.append(Paragraph(_("Index components (weight, score 0-100)"), heading))
        story.append(_table(
            [[_("Component"), _("Weight"), _("Score")]]
            + [[str(scoring.COMPONENT_LABELS[k]), str(config["weights"].get(k, 0)),
                _("no data") if v is None else f"{v / 100:.1f}"]
               for k, v in row.components.items()], [90 * mm, 30 * mm, 35 * mm]))
    story += [Paragraph(_("Backsliding index, last 12 months"), heading), _chart(trend)]
    alerts = dashboard.open_alerts_of(community)
    story.append(Paragraph(_("Open alerts"), heading))
    if alerts:
        story.append(_table([[a.period, str(vocab.ALERT_KINDS[a.kind]),
                              str(scoring.RATE_LABELS.get(a.indicator, a.indicator or ""))]
                             for a in alerts], [25 * mm, 80 * mm, 60 * mm], header=False))
    else:
        story.append(Paragraph(_("None."), base))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{community.name} {period}",
                      leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                      bottomMargin=16 * mm).build(story)
    return buffer.getvalue()


def _table(rows, widths, header=True):
    table = Table(rows, colWidths=widths)
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
             ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#adb5bd"))]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")))
    table.setStyle(TableStyle(style))
    return table
