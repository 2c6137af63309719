"""The dashboard's HTML: one server-rendered page, no script, no CDN, readable without CSS.

Accessibility basics: a language, a skip link, one h1 and an h2 per panel, a navigation of the
panels, each chart an <img> whose alt text says what it shows (and the same numbers in the
table beside it), tables with captions and header cells, focus outlines that show, and nothing
that needs a mouse: every control is a link or a button, reached with Tab.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from . import wording as messages
from .dashboard_model import Panel

__all__ = ["render_page", "render_sign_in"]

#: A table with more columns than this (the weekday × hour grid) is set compact.
WIDE_COLUMNS = 10

STYLE = """
:root { color-scheme: light; font-family: system-ui, sans-serif; line-height: 1.4; }
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem 3rem; color: #1b1b1b; }
a { color: #0b4f8a; }
a:focus-visible, button:focus-visible, input:focus-visible, .scroll:focus-visible {
  outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem;
  background: #fff; padding: .5rem; }
header p { color: #444; margin-top: 0; }
nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; }
section { border-top: 1px solid #ccc; padding-top: .5rem; margin-top: 1.5rem; }
dl.figures { display: flex; flex-wrap: wrap; gap: 1rem 2.5rem; margin: .5rem 0; }
dl.figures div { min-width: 10rem; } dt { color: #444; font-size: .9rem; }
dd { margin: 0; font-size: 1.8rem; font-weight: 600; } dd small { display: block;
  font-size: .85rem; font-weight: 400; color: #444; }
figure { margin: 1rem 0; } img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .5rem 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table.wide th, table.wide td { padding: .15rem .3rem; font-size: .85rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .75rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.method { font-size: .9rem; color: #333; max-width: 50rem; }
form label { display: block; margin: 1rem 0 .25rem; } input { font-size: 1rem; padding: .4rem; }
button { font-size: 1rem; padding: .4rem 1rem; margin-top: .75rem; }
.error { color: #a00; font-weight: 600; }
"""


def _head(title: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
    )


def _figures(panel: Panel) -> str:
    if not panel.figures:
        return ""
    items = []
    for figure in panel.figures:
        note = f"<small>{escape(figure.note)}</small>" if figure.note else ""
        items.append(
            f'<div><dt>{escape(figure.label)}</dt><dd data-figure="{escape(figure.key)}">'
            f"{escape(figure.value)}{note}</dd></div>"
        )
    return '<dl class="figures">' + "".join(items) + "</dl>\n"


def _table(panel: Panel) -> str:
    table = panel.table
    if table is None:
        return ""
    head = "".join(f'<th scope="col">{escape(str(name))}</th>' for name in table.header)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.header)}">{escape(messages.no_rows())}</td></tr>'
    else:
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="number">{value:,}</td>'
                if isinstance(value, int | float)
                else f"<td>{escape(str(value))}</td>"
                for value in row
            )
            + "</tr>"
            for row in table.rows
        )
    link = (
        f'<p><a href="table/{escape(panel.id)}.csv" download>'
        f"{escape(messages.csv_link(panel.title))}</a></p>"
    )
    name = escape(panel.id)
    wide = ' class="wide"' if len(table.header) > WIDE_COLUMNS else ""
    # a region that scrolls sideways when the table is wider than the screen, reachable by Tab
    # so the keyboard can scroll it too
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-labelledby="caption-{name}">'
        f'<table id="table-{name}"{wide}><caption id="caption-{name}">'
        f"{escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>\n{link}\n"
    )


def _chart(panel: Panel) -> str:
    chart = panel.chart
    if chart is None:
        return ""
    return (
        f'<figure><img src="chart/{escape(panel.id)}.png" width="800" height="360" '
        f'alt="{escape(chart.description)}">'
        f"<figcaption>{escape(chart.title)}</figcaption></figure>\n"
    )


def _panel(panel: Panel) -> str:
    text = f'<p class="method">{escape(panel.text)}</p>\n' if panel.text else ""
    return (
        f'<section id="{escape(panel.id)}" aria-labelledby="{escape(panel.id)}-title">\n'
        f'<h2 id="{escape(panel.id)}-title">{escape(panel.title)}</h2>\n'
        f"{_figures(panel)}{text}{_chart(panel)}{_table(panel)}</section>\n"
    )


def render_page(panels: list[Panel], *, at: datetime, zone: ZoneInfo) -> str:
    """The whole dashboard page."""
    local = at.astimezone(zone)
    links = "".join(
        f'<li><a href="#{escape(panel.id)}">{escape(panel.title)}</a></li>' for panel in panels
    )
    return (
        _head(messages.page_title())
        + '<body>\n<a class="skip" href="#main">'
        + escape(messages.skip_link())
        + "</a>\n<header>\n<h1>"
        + escape(messages.page_title())
        + "</h1>\n<p>"
        + escape(messages.page_subtitle(f"{local:%Y-%m-%d %H:%M}", zone.key))
        + '</p>\n<nav aria-label="Panels"><ul>'
        + links
        + '</ul></nav>\n</header>\n<main id="main">\n'
        + "".join(_panel(panel) for panel in panels)
        + "</main>\n</body>\n</html>\n"
    )


def render_sign_in(*, failed: bool = False) -> str:
    """The sign-in page: one field for the dashboard token."""
    error = (
        f'<p class="error" role="alert" id="sign-in-error">{escape(messages.wrong_token())}</p>'
        if failed
        else ""
    )
    described = ' aria-describedby="sign-in-error"' if failed else ""
    return (
        _head(messages.sign_in_title())
        + '<body>\n<main id="main">\n<h1>'
        + escape(messages.sign_in_title())
        + "</h1>\n<p>"
        + escape(messages.sign_in_help())
        + f"</p>\n{error}\n"
        + '<form method="post" action="sign-in">\n'
        + '<label for="token">'
        + escape(messages.token_label())
        + "</label>\n"
        + '<input id="token" name="token" type="password" autocomplete="current-password" '
        + f"required autofocus{described}>\n"
        + '<button type="submit">'
        + escape(messages.sign_in_button())
        + "</button>\n</form>\n</main>\n</body>\n</html>\n"
    )
