"""The profile's pages: A4 PDF pages with text that flows from page to page, and one HTML page.

Part of :mod:`assetmap.report` (which re-exports every public name here). The map on them is
drawn by :func:`assetmap.report._maps.draw_profile_map`.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from datetime import date

import geopandas as gpd
import numpy as np

from assetmap import settings
from assetmap.coverage_notes import method_note, partial_note
from assetmap.i18n import block_label, category_label, t
from assetmap.layers.schema import ENTRY_KINDS
from assetmap.maps import plain_text
from assetmap.numbers import day as written_day
from assetmap.numbers import decimal, percent
from assetmap.report._maps import A4_INCHES, PROFILE_MAP_BOX, BaseLayers, _pdf_settings, draw_network, draw_profile_map
from assetmap.report._profile import LEVEL_CODES, AreaProfile

__all__ = ["MAX_LIST_ROWS", "report_html", "report_pdf"]

#: Most rows of one list (categories, meeting places, stories, links) in a profile.
MAX_LIST_ROWS: int = 12


def report_pdf(profile: AreaProfile, base: BaseLayers, lang: str = "nl") -> bytes:
    """The profile as an A4 PDF (two or three pages), fonts embedded so all text is selectable.

    Parameters
    ----------
    profile : AreaProfile
        From :func:`~assetmap.report.build_profile`.
    base : BaseLayers
        The base map around the area, from :func:`~assetmap.report.base_layers`.
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    bytes
        The PDF file.
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with matplotlib.rc_context(_pdf_settings()):
        with PdfPages(buffer, metadata={"Title": _title(profile, lang), "Creator": "assetmap",
                                        "Subject": f"{settings.OSM_ATTRIBUTION}; {settings.CBS_ATTRIBUTION}"}) as pdf:
            flow = _Flow(pdf, lang, footer=_footer(profile, lang))
            fig = flow.page()
            fig.text(0.06, 0.955, _title(profile, lang), fontsize=15, weight="bold", va="top")
            fig.text(0.06, 0.925, t("report_subtitle", lang, level=t(LEVEL_CODES[profile.level], lang), code=profile.code,
                                    date=_date(profile.made_on, lang)), fontsize=9, va="top", color="#444")
            ax = fig.add_axes(list(PROFILE_MAP_BOX))
            draw_profile_map(ax, profile, base, lang)
            flow.y = 0.485
            _key_figures(flow, profile, lang)
            _block_table(flow, profile, lang)
            _category_table(flow, profile, lang)
            _coverage_table(flow, profile, lang)
            _meeting_places(flow, profile, lang)
            _suggestions(flow, profile, lang)
            _stories(flow, profile, lang)
            _link_list(flow, profile, lang)
            _network_page(flow, profile, lang)
            _sources(flow, profile, lang)
            _photo_page(flow, profile, lang)
            flow.finish()
    return buffer.getvalue()


class _Flow:
    """Text that flows down A4 pages: headings, lines and small tables, a new page when one is full."""

    TOP, BOTTOM, LEFT, RIGHT = 0.95, 0.06, 0.06, 0.94

    def __init__(self, pdf, lang: str, footer: str):
        self.pdf, self.lang, self.footer = pdf, lang, footer
        self.fig = None
        self.y = self.TOP
        self.pages = 0

    def page(self):
        from matplotlib.figure import Figure  # not pyplot: no global figure state, safe in the app's threads

        if self.fig is not None:
            self._close()
        self.fig = Figure(figsize=A4_INCHES)
        self.pages += 1
        self.y = self.TOP
        return self.fig

    def _close(self):
        self.fig.text(self.LEFT, 0.025, self.footer, fontsize=6.5, color="#555", va="bottom")
        self.fig.text(self.RIGHT, 0.025, str(self.pages), fontsize=6.5, color="#555", va="bottom", ha="right")
        self.pdf.savefig(self.fig)

    def need(self, lines: float, size: float = 8.5) -> None:
        if self.y - lines * self._step(size) < self.BOTTOM:
            self.page()

    @staticmethod
    def _step(size: float) -> float:
        return size * 1.45 / 72 / A4_INCHES[1]

    def heading(self, text: str) -> None:
        self.need(3.5, 11)
        self.y -= self._step(11) * 0.6
        self.fig.text(self.LEFT, self.y, text, fontsize=11, weight="bold", va="top")
        self.y -= self._step(11) * 1.1

    def line(self, text: str, size: float = 8.5, indent: float = 0.0, colour: str = "#000", width: int | None = None,
             **kw) -> None:
        if width is None:  # characters per line: about 0.55 em per character of DejaVu Sans
            room = (self.RIGHT - self.LEFT - indent) * A4_INCHES[0] * 72
            width = int(room / (size * (0.6 if kw.get("weight") == "bold" else 0.55)))
        for part in textwrap.wrap(text, width=width) or [""]:
            self.need(1, size)
            self.fig.text(self.LEFT + indent, self.y, part, fontsize=size, va="top", color=colour, **kw)
            self.y -= self._step(size)

    def table(self, header: list[str], rows: list[list[str]], columns: list[float], size: float = 8.0,
              swatches: list[str | None] | None = None) -> None:
        self.need(2, size)
        for x, text in zip(columns, header):
            self.fig.text(self.LEFT + abs(x), self.y, text, fontsize=size, weight="bold", va="top",
                          ha="right" if x < 0 else "left")
        self.y -= self._step(size) * 1.2
        for i, row in enumerate(rows):
            self.need(1, size)
            if swatches and swatches[i]:
                self.fig.patches.append(_swatch(self.fig, self.LEFT, self.y, swatches[i], size))
            for x, text in zip(columns, row):
                if x < 0:  # a negative position: right-aligned numbers ending at |x|
                    self.fig.text(self.LEFT - x, self.y, text, fontsize=size, va="top", ha="right")
                else:
                    self.fig.text(self.LEFT + x, self.y, _clip(text, 70), fontsize=size, va="top")
            self.y -= self._step(size)

    def gap(self, lines: float = 0.5) -> None:
        self.y -= self._step(8.5) * lines

    def finish(self) -> None:
        if self.fig is not None:
            self._close()
            self.fig = None


def _swatch(fig, x: float, y: float, colour: str, size: float):
    from matplotlib.patches import Rectangle

    side = size * 0.8 / 72
    return Rectangle((x, y - side / A4_INCHES[1]), side / A4_INCHES[0], side / A4_INCHES[1], transform=fig.transFigure,
                     facecolor=colour, edgecolor="none", figure=fig)


def _key_figures(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_key_figures", lang))
    total = profile.coverage_total
    if total is None:
        for note in profile.notes:
            flow.line(t(note, lang), colour="#8a1c1c")
    elif total.get("withheld"):  # too little of the area in the map data: no figure, and why
        flow.line(_partial(profile, total, lang), size=9.5, weight="bold")
    else:
        flow.line(t("report_coverage_line", lang, pct=percent(total["coverage_pct"], lang),
                    minutes=_num(profile.minutes, lang, 0), speed=_num(profile.speed_kmh, lang, 1),
                    covered=_int(total["covered_population"], lang), population=_int(total["population"], lang)),
                  size=9.5, weight="bold")
        if total.get("partial"):
            flow.line(_partial(profile, total, lang), size=9, weight="bold")
        flow.line(t("report_out_of_reach", lang, count=_int(total["uncovered_population"], lang),
                    minutes=_num(profile.minutes, lang, 0)), size=9)
        if total["median_minutes"] is not None or total["p90_minutes"] is not None:
            flow.line(t("report_minutes_line", lang, median=_minutes(total["median_minutes"], lang),
                        p90=_minutes(total["p90_minutes"], lang)), size=9)
    if _filters_line(profile, lang):
        flow.line(_filters_line(profile, lang), size=8.5)
    if profile.method:
        flow.line(method_note(profile.method, lang), size=7.5, colour="#555")
    places = 0 if profile.meeting_places is None else len(profile.meeting_places)
    flow.line(t("report_counts_line", lang, assets=_int(len(profile.assets), lang), places=_int(places, lang)), size=9)
    flow.line(t("report_public_only", lang), size=7.5, colour="#555")


def _block_table(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    from assetmap import maps

    flow.heading(t("report_blocks", lang))
    counts = profile.block_counts()
    flow.table([t("report_col_block", lang), t("report_col_count", lang)],
               [["    " + block_label(b, lang), _int(counts[b], lang)] for b in ENTRY_KINDS],
               [0.0, -0.62], swatches=[maps.BLOCK_STYLE[b]["color"] for b in ENTRY_KINDS])


def _category_table(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    rows = profile.category_counts()
    if not rows:
        return
    flow.heading(t("report_categories", lang))
    shown = rows[:MAX_LIST_ROWS]
    flow.table([t("report_col_category", lang), t("report_col_block", lang), t("report_col_count", lang)],
               [[category_label(c, lang) or "-", block_label(b, lang), _int(n, lang)] for b, c, n in shown],
               [0.0, 0.34, -0.85])
    _more(flow, len(rows) - len(shown), lang)


def _coverage_table(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    if len(profile.coverage) < 2:
        return
    flow.heading(t("report_coverage_areas", lang))
    rows = [[_clip(r["name"] or r["code"], 32) + (" *" if r["partial"] else ""), r["code"],
             _int(r["population"], lang), *_row_figures(r, lang)] for r in profile.coverage]
    flow.table([t("report_col_area", lang), t("report_col_code", lang), t("col_population", lang),
                t("col_pct", lang), t("report_col_median", lang), t("report_col_p90", lang)],
               rows, [0.0, 0.36, -0.58, -0.68, -0.78, -0.88])
    partial = [r for r in profile.coverage if r["partial"]]
    if partial:  # one legend for the starred areas: each with the share its figure is about
        flow.line(t("report_partial_legend", lang, withhold=round(100 * settings.WITHHOLD_DATA_SHARE),
                    areas="; ".join(f"{plain_text(r['name']) or r['code']} {percent(100 * r['data_share'], lang, 0)}"
                                    for r in partial)), size=7.5, colour="#333", indent=0.01)


def _row_figures(row: dict, lang: str) -> list[str]:
    """Coverage %, median and p90 of a row, or dashes where the figure is withheld."""
    if row["withheld"]:
        return ["-", "-", "-"]
    return [percent(row["coverage_pct"], lang), _minutes(row["median_minutes"], lang),
            _minutes(row["p90_minutes"], lang)]


def _partial(profile: AreaProfile, total: dict, lang: str) -> str:
    """The flag of a profile's area partly outside the map data (its level word, not its rows')."""
    return partial_note({**total, "level": total.get("level") or profile.level}, lang)


def _meeting_places(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    places = profile.meeting_places
    flow.heading(t("report_meeting_places", lang))
    if places is None or not len(places):
        flow.line(t("report_none", lang), colour="#555")
        return
    for row in places.head(MAX_LIST_ROWS).itertuples():
        label = category_label(row.category, lang)
        flow.line(f"• {plain_text(row.name)}" + (f" ({label})" if label else ""), indent=0.01)
    _more(flow, len(places) - MAX_LIST_ROWS, lang)


def _suggestions(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_suggestions", lang))
    sites = profile.suggestions
    if sites is None or not len(sites):
        flow.line(t("report_no_suggestions", lang), colour="#555")
        return
    flow.line(t("report_suggestions_intro", lang, minutes=_num(profile.minutes, lang, 0)), size=8, colour="#333")
    for row in sites.itertuples():
        flow.line(t("report_suggestion", lang, rank=int(row.rank), name=plain_text(row.name),
                    added=_int(row.added_population, lang)), indent=0.01)


def _stories(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    stories = profile.stories()
    flow.heading(t("report_stories", lang))
    if not stories:
        flow.line(t("report_none", lang), colour="#555")
        return
    for story in stories[:MAX_LIST_ROWS]:
        flow.line(f"• {story['name']}" + (f" ({t('report_about', lang, name=story['about'])})" if story["about"] else ""),
                  indent=0.01, weight="bold" if story["description"] else "normal")
        if story["description"]:
            flow.line(_clip(story["description"], 400), size=8, indent=0.025, colour="#333")
    _more(flow, len(stories) - MAX_LIST_ROWS, lang)


def _photo_page(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    """A page of the stories' approved photos: a grid of 3 x 4, each with its caption and story."""
    if not profile.photos:
        return
    from PIL import Image

    fig = flow.page()
    flow.heading(t("report_photos", lang))
    columns, width, height = 3, 0.27, 0.15
    for number, photo in enumerate(profile.photos):
        row, column = divmod(number, columns)
        left = flow.LEFT + column * (width + 0.03)
        top = flow.y - row * (height + 0.055)
        ax = fig.add_axes([left, top - height, width, height])
        with Image.open(io.BytesIO(photo["thumbnail"])) as image:
            ax.imshow(np.asarray(image.convert("RGB")))
        ax.set_axis_off()
        caption = photo["caption"] + (f" ({t('site_photo_credit', lang, credit=photo['credit'])})" if photo["credit"] else "")
        for k, part in enumerate(textwrap.wrap(caption, 48)[:2] + [_clip(photo["story"], 48)]):
            fig.text(left, top - height - 0.005 - k * 0.012, part, fontsize=6.5, va="top",
                     color="#333" if k < 2 else "#666")
    flow.y = flow.BOTTOM


def _link_list(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_links", lang))
    if not profile.links:
        flow.line(t("report_none", lang), colour="#555")
        return
    resident = t("report_link_resident", lang)
    for a, kind, b in profile.links[:MAX_LIST_ROWS]:
        flow.line(f"• {a or resident} — {t('link_' + kind, lang) if kind in _LINK_KINDS else kind} — {b or resident}",
                  indent=0.01)
    _more(flow, len(profile.links) - MAX_LIST_ROWS, lang)


#: Brokers named on the profile's network page.
NETWORK_BROKERS: int = 5


def _network_lines(profile: AreaProfile, lang: str) -> list[str]:
    """What the network page says in words: the counts and the brokers by name (empty without a link)."""
    network = profile.network
    if network is None or not network.summary()["links"]:
        return []
    lines = [t("report_network_summary", lang, **network.summary_words(lang))]
    brokers = network.brokers(NETWORK_BROKERS)
    if brokers:
        lines.append(t("report_network_brokers", lang, names=", ".join(
            f"{plain_text(b['name'])} ({b['degree']})" for b in brokers)))
    return lines


def _network_page(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    """A page of its own: the network of the area's associations, institutions and places, brokers named."""
    lines = _network_lines(profile, lang)
    if not lines:
        flow.heading(t("report_network", lang))
        flow.line(t("report_network_none", lang), colour="#555")
        return
    flow.page()
    flow.heading(t("report_network", lang))
    flow.line(t("report_network_intro", lang, name=profile.name), size=8.5, colour="#333")
    for text in lines:
        flow.line(text, size=8.5)
    top = flow.y - 0.01
    ax = flow.fig.add_axes([flow.LEFT, max(flow.BOTTOM + 0.04, top - 0.62), flow.RIGHT - flow.LEFT, 0.6])
    draw_network(ax, profile.network, NETWORK_BROKERS)
    flow.y = max(flow.BOTTOM + 0.04, top - 0.62) - 0.01


def _sources(flow: _Flow, profile: AreaProfile, lang: str) -> None:
    flow.heading(t("report_sources", lang))
    flow.line(f"{settings.OSM_ATTRIBUTION} (ODbL 1.0) · {settings.CBS_ATTRIBUTION} (CC BY 4.0)", size=8.5)
    sources = profile.sources
    if sources is not None and len(sources):
        latest = sources.sort_values("imported_at").drop_duplicates("name", keep="last")
        for row in latest.itertuples():
            flow.line(t("report_source_line", lang, name=plain_text(row.name), licence=plain_text(row.licence) or "-",
                        date=plain_text(row.imported_at)[:10]), size=8, colour="#333", indent=0.01)
    flow.line(t("report_made_with", lang, date=_date(profile.made_on, lang)), size=8, colour="#333")


def _more(flow: _Flow, count: int, lang: str) -> None:
    if count > 0:
        flow.line(t("report_more", lang, count=count), size=7.5, colour="#555", indent=0.01)


_LINK_KINDS = ("works_with", "could_work_with", "part_of", "located_at", "story_about", "other")


def report_html(profile: AreaProfile, base: BaseLayers, lang: str = "nl") -> str:
    """The profile as one self-contained HTML page (the map as an embedded PNG), printable on A4.

    Every text that people typed is escaped with :func:`html.escape`.

    Parameters
    ----------
    profile : AreaProfile
        From :func:`~assetmap.report.build_profile`.
    base : BaseLayers
        From :func:`~assetmap.report.base_layers`.
    lang : {'nl', 'en'}
        Language of the texts.

    Returns
    -------
    str
        The HTML document.
    """
    import matplotlib
    from matplotlib.figure import Figure  # not pyplot: no global figure state, safe in the app's threads

    e = html.escape
    with matplotlib.rc_context(_pdf_settings()):
        ratio = (PROFILE_MAP_BOX[2] * A4_INCHES[0]) / (PROFILE_MAP_BOX[3] * A4_INCHES[1])
        fig = Figure(figsize=(7.5, 7.5 / ratio))
        ax = fig.add_axes([0, 0, 1, 1])
        draw_profile_map(ax, profile, base, lang)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=130)
    image = base64.b64encode(png.getvalue()).decode("ascii")
    parts = [f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>",
             f"<title>{e(_title(profile, lang))}</title>",
             "<style>@page{size:A4;margin:15mm}body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;"
             "max-width:180mm;margin:auto;color:#111}h1{font-size:18pt}h2{font-size:13pt;margin-top:1.2em}"
             "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}td.n{text-align:right}"
             "img{width:100%}.muted{color:#555;font-size:9pt}"
             ".sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em}</style></head><body>",
             f"<h1>{e(_title(profile, lang))}</h1>",
             f"<p class='muted'>{e(t('report_subtitle', lang, level=t(LEVEL_CODES[profile.level], lang), code=profile.code, date=_date(profile.made_on, lang)))}</p>",
             f"<img alt='{e(t('report_map_alt', lang, name=profile.name))}' src='data:image/png;base64,{image}'>",
             f"<h2>{e(t('report_key_figures', lang))}</h2>"]
    total = profile.coverage_total
    if total is None:
        parts += [f"<p>{e(t(n, lang))}</p>" for n in profile.notes]
    elif total.get("withheld"):
        parts.append(f"<p><b>{e(_partial(profile, total, lang))}</b></p>")
    else:
        if total.get("partial"):
            parts.append(f"<p><b>{e(_partial(profile, total, lang))}</b></p>")
        parts.append("<p><b>" + e(t("report_coverage_line", lang, pct=percent(total["coverage_pct"], lang),
                                     minutes=_num(profile.minutes, lang, 0), speed=_num(profile.speed_kmh, lang, 1),
                                     covered=_int(total["covered_population"], lang),
                                     population=_int(total["population"], lang))) + "</b><br>")
        parts.append(e(t("report_out_of_reach", lang, count=_int(total["uncovered_population"], lang),
                         minutes=_num(profile.minutes, lang, 0))))
        if total["median_minutes"] is not None or total["p90_minutes"] is not None:
            parts.append("<br>" + e(t("report_minutes_line", lang, median=_minutes(total["median_minutes"], lang),
                                      p90=_minutes(total["p90_minutes"], lang))))
        parts.append("</p>")
    if _filters_line(profile, lang):
        parts.append(f"<p>{e(_filters_line(profile, lang))}</p>")
    if profile.method:
        parts.append(f"<p class='muted'>{e(method_note(profile.method, lang))}</p>")
    places = profile.meeting_places if profile.meeting_places is not None else gpd.GeoDataFrame()
    parts.append(f"<p>{e(t('report_counts_line', lang, assets=_int(len(profile.assets), lang), places=_int(len(places), lang)))}</p>")
    parts.append(f"<p class='muted'>{e(t('report_public_only', lang))}</p>")
    from assetmap import maps
    counts = profile.block_counts()
    parts.append(f"<h2>{e(t('report_blocks', lang))}</h2><table>")
    for block in ENTRY_KINDS:
        parts.append(f"<tr><td><span class='sw' style='background:{e(maps.BLOCK_STYLE[block]['color'])}'></span>"
                     f"{e(block_label(block, lang))}</td><td class='n'>{counts[block]}</td></tr>")
    parts.append("</table>")
    categories = profile.category_counts()
    if categories:
        parts.append(f"<h2>{e(t('report_categories', lang))}</h2><table>")
        parts += [f"<tr><td>{e(category_label(c, lang) or '-')}</td><td>{e(block_label(b, lang))}</td>"
                  f"<td class='n'>{n}</td></tr>" for b, c, n in categories[:MAX_LIST_ROWS]]
        parts.append("</table>")
    if len(profile.coverage) > 1:
        parts.append(f"<h2>{e(t('report_coverage_areas', lang))}</h2><table><tr>" + "".join(
            f"<th>{e(h)}</th>" for h in (t("report_col_area", lang), t("report_col_code", lang),
                                        t("col_population", lang), t("col_pct", lang),
                                        t("report_col_median", lang), t("report_col_p90", lang))) + "</tr>")
        parts += [f"<tr><td>{e(r['name'] or '')}{' *' if r['partial'] else ''}</td><td>{e(r['code'])}</td>"
                  f"<td class='n'>{_int(r['population'], lang)}</td>"
                  + "".join(f"<td class='n'>{v}</td>" for v in _row_figures(r, lang)) + "</tr>"
                  for r in profile.coverage]
        parts.append("</table>")
        parts += [f"<p class='muted'>* {e(plain_text(r['name']) or r['code'])}: {e(partial_note(r, lang))}</p>"
                  for r in profile.coverage if r["partial"]]
    parts.append(f"<h2>{e(t('report_meeting_places', lang))}</h2>")
    parts.append(_html_list([f"{plain_text(r.name)}" + (f" ({category_label(r.category, lang)})" if category_label(r.category, lang) else "")
                             for r in places.itertuples()] if len(places) else [], lang))
    parts.append(f"<h2>{e(t('report_suggestions', lang))}</h2>")
    sites = profile.suggestions
    if sites is None or not len(sites):
        parts.append(f"<p>{e(t('report_no_suggestions', lang))}</p>")
    else:
        parts.append(f"<p class='muted'>{e(t('report_suggestions_intro', lang, minutes=_num(profile.minutes, lang, 0)))}</p>")
        parts.append(_html_list([t("report_suggestion", lang, rank=int(r.rank), name=plain_text(r.name),
                                   added=_int(r.added_population, lang))
                                 for r in sites.itertuples()], lang))
    parts.append(f"<h2>{e(t('report_stories', lang))}</h2>")
    stories = profile.stories()
    parts.append(_html_list([s["name"] + (f" ({t('report_about', lang, name=s['about'])})" if s["about"] else "")
                             + (f": {s['description']}" if s["description"] else "") for s in stories], lang))
    if profile.photos:
        parts.append(f"<h2>{e(t('report_photos', lang))}</h2>")
        parts += [f"<figure><img src='data:image/jpeg;base64,{base64.b64encode(p['thumbnail']).decode('ascii')}' "
                  f"alt='{e(p['caption'])}' style='max-width:45%;height:auto'><figcaption>{e(p['caption'])}"
                  + (f" · {e(t('site_photo_credit', lang, credit=p['credit']))}" if p["credit"] else "")
                  + f" — {e(p['story'])}</figcaption></figure>" for p in profile.photos]
    parts.append(f"<h2>{e(t('report_links', lang))}</h2>")
    resident = t("report_link_resident", lang)
    parts.append(_html_list([f"{a or resident} — {t('link_' + k, lang) if k in _LINK_KINDS else k} — {b or resident}"
                             for a, k, b in profile.links], lang))
    parts.append(f"<h2>{e(t('report_network', lang))}</h2>")
    network_lines = _network_lines(profile, lang)
    if network_lines:
        with matplotlib.rc_context(_pdf_settings()):
            fig = Figure(figsize=(7.5, 6))
            draw_network(fig.add_axes([0, 0, 1, 1]), profile.network, NETWORK_BROKERS)
            png = io.BytesIO()
            fig.savefig(png, format="png", dpi=130)
        parts.append(f"<p class='muted'>{e(t('report_network_intro', lang, name=profile.name))}</p>")
        parts += [f"<p>{e(line)}</p>" for line in network_lines]
        parts.append(f"<img alt='{e(t('report_network_alt', lang, name=profile.name))}' "
                     f"src='data:image/png;base64,{base64.b64encode(png.getvalue()).decode('ascii')}'>")
    else:
        parts.append(f"<p>{e(t('report_network_none', lang))}</p>")
    parts.append(f"<h2>{e(t('report_sources', lang))}</h2><p>{e(settings.OSM_ATTRIBUTION)} (ODbL 1.0) · "
                 f"{e(settings.CBS_ATTRIBUTION)} (CC BY 4.0)<br>"
                 f"{e(t('report_made_with', lang, date=_date(profile.made_on, lang)))}</p></body></html>")
    return "".join(parts)


def _html_list(items: list[str], lang: str) -> str:
    if not items:
        return f"<p class='muted'>{html.escape(t('report_none', lang))}</p>"
    shown = "".join(f"<li>{html.escape(item)}</li>" for item in items[:MAX_LIST_ROWS])
    more = len(items) - MAX_LIST_ROWS
    extra = f"<p class='muted'>{html.escape(t('report_more', lang, count=more))}</p>" if more > 0 else ""
    return f"<ul>{shown}</ul>{extra}"


def _title(profile: AreaProfile, lang: str) -> str:
    return t("report_title", lang, name=profile.name)


def _footer(profile: AreaProfile, lang: str) -> str:
    return (f"{_title(profile, lang)} · {_date(profile.made_on, lang)} · {settings.OSM_ATTRIBUTION} · "
            f"{settings.CBS_ATTRIBUTION}")


def _date(day: date, lang: str) -> str:
    return written_day(day, lang)


def _filters_line(profile: AreaProfile, lang: str) -> str:
    """Which meeting places the figures count, when the page chose filters (empty otherwise)."""
    chosen = profile.filters or {}
    if not any(chosen.values()):
        return ""
    anything = t("any", lang)
    return t("report_filters", lang, counted=profile.place_counts.get("counted", 0),
             places=profile.place_counts.get("places", 0), when=chosen.get("when") or anything,
             access=t(f"access_{chosen['access']}", lang) if chosen.get("access") else anything,
             group=t(f"group_{chosen['group']}", lang) if chosen.get("group") else anything)


def _clip(text: str, length: int) -> str:
    text = plain_text(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _num(value, lang: str, decimals: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return decimal(value, lang, decimals)


def _int(value, lang: str) -> str:
    return _num(int(value), lang, 0)


def _minutes(value, lang: str) -> str:
    return "-" if value is None or (isinstance(value, float) and np.isnan(value)) else _num(value, lang, 1)
