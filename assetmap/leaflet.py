"""Folium elements whose data never passes through a template.

branca's ``MacroElement.render`` wraps what an element's macros wrote in a new ``Element``, whose
text becomes a Jinja template that is compiled and rendered again. Any ``{{ ... }}`` in a name
would then run on the server (an asset called ``{{ 7*7 }}`` showed as ``49``), and a large layer is
lexed by Jinja twice per render (about two seconds for a city's 90,000 gap points). The elements
here put their output in as it is.
"""

from __future__ import annotations

import html
import json

from branca.element import Element, Figure, MacroElement

__all__ = ["Raw", "ScriptElement", "html_text", "json_for_script"]

#: A Jinja opener inside a JSON string, and what it becomes: the same character, escaped for JSON.
_TEMPLATE_OPENERS = (("{{", "{\\u007b"), ("{%", "{\\u0025"), ("{#", "{\\u0023"))


class Raw(Element):
    """HTML or script that is put in as it is (no template: braces stay braces).

    Parameters
    ----------
    text : str
        The HTML or script, already escaped where it holds user text.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        """The text itself.

        Parameters
        ----------
        **kwargs
            Render options, passed on to the children (branca's interface).
        """
        return self.text


class ScriptElement(MacroElement):
    """A ``MacroElement`` whose rendered ``header``, ``html`` and ``script`` macros are added as :class:`Raw`."""

    def render(self, **kwargs):
        """Add the macros' output to the figure's header, html and script, then render the children.

        Parameters
        ----------
        **kwargs
            Render options, passed on to the children (branca's interface).
        """
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("render the map, not a layer on its own: this element is not in a figure")
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Raw(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def html_text(value: str) -> str:
    """Text escaped for HTML, with ``{`` as a character reference: safe in folium's own elements.

    A folium layer name (``FeatureGroup``, shown by ``LayerControl``) is HTML, and folium renders
    its elements' output again as a Jinja template: a workspace's own label ``{{ 7*7 }}`` showed as
    ``49``. ``&#123;`` shows as ``{`` and opens nothing.

    Parameters
    ----------
    value : str
        Plain text, such as a label people gave.

    Returns
    -------
    str
        The escaped text.
    """
    return html.escape(value).replace("{", "&#123;")


def json_for_script(value, allow_nan: bool = True) -> str:
    """JSON that is safe inside an HTML ``<script>`` and inside a Jinja template.

    ``</`` and ``<!--`` cannot end or confuse the script, and no Jinja opener (``{{``, ``{%``,
    ``{#``) appears, should a folium element ever render the text again. Compact JSON never puts one
    of those pairs outside a string, so escaping the second character is always valid JSON.

    Parameters
    ----------
    value : object
        Anything :func:`json.dumps` takes.
    allow_nan : bool
        Write NaN and infinities as JavaScript does; False raises ``ValueError`` on them instead
        (a file that must be strict JSON).

    Returns
    -------
    str
        Compact JSON, to be put into a script as a JavaScript value.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=allow_nan)
    text = text.replace("</", "<\\/").replace("<!--", "\\u003c!--").replace("\u2028", "\\u2028") \
        .replace("\u2029", "\\u2029")
    for opener, escaped in _TEMPLATE_OPENERS:
        if opener in text:
            text = text.replace(opener, escaped)
    return text
