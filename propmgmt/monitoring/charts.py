"""Trend charts as inline SVG, drawn by pygal on the server (no script reaches the browser:
pygal's config script is dropped, so the pages need no 'unsafe-inline' scripts)."""
import re
import sys

import pygal
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

# pygal appends a legacy import hook (for its map plugins, unused here) to sys.meta_path; it
# lacks find_spec, so every later failed optional import in the process (e.g. reportlab trying
# `import freetype`) also raises an ImportWarning. Take it out again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

SCRIPT = re.compile(r"<script.*?</script>", re.S)
STYLE = Style(background="transparent", plot_background="#ffffff", foreground="#212529",
              foreground_strong="#212529", foreground_subtle="#6c757d",
              colors=("#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"),
              font_family="'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
              label_font_size=11, major_label_font_size=11, legend_font_size=11,
              title_font_size=13, value_font_size=10)


def _number(value):
    return None if value is None else round(float(value), 1)


def trend(title, periods, series, *, percent=True, height=250):
    """A line chart of `series` [(label, [value or None per period])] over `periods`; gaps where
    there is no data. Percentages are drawn on a fixed 0-100 axis so months compare."""
    options = {"js": [], "disable_xml_declaration": True, "height": height, "width": 560,
               "style": STYLE, "title": str(title), "show_dots": True, "dots_size": 3,
               "allow_interruptions": True, "legend_at_bottom": True, "legend_at_bottom_columns": 3,
               "x_label_rotation": 30, "truncate_legend": -1, "margin": 6,
               "no_data_text": str(_("no data")), "no_data_font_size": 24}
    if percent:
        options["range"] = (0, 100)
    chart = pygal.Line(**options)
    chart.x_labels = list(periods)
    for label, values in series:
        chart.add(str(label), [_number(v) for v in values])
    svg = SCRIPT.sub("", chart.render(is_unicode=True))
    return Markup(svg.replace("<svg ", '<svg class="w-100 h-auto" role="img" ', 1))
