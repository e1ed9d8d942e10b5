"""itemBody content: stored as HTML the way Exchange stores it, converted to text on request.

Text bodies come back with Exchange's CRLF line breaks; an empty body stays empty in either form.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Literal

from calgraph.core.errors import RequestBodyRead

ContentType = Literal["text", "html"]

PREVIEW_LENGTH = 255

_HEAD = '<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n'
_HAS_HTML_ELEMENT = re.compile(r"<html[\s>/]", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def normalise_content_type(value: object) -> ContentType:
    """`text` or `html` from any casing (`HTML`, `Text`); anything else is RequestBodyRead."""
    if isinstance(value, str) and value.lower() in ("text", "html"):
        return "text" if value.lower() == "text" else "html"
    raise RequestBodyRead(f"Cannot convert the literal '{value}' to the expected type 'microsoft.graph.bodyType'.")


def to_html(content: str, content_type: str) -> str:
    """The HTML document stored for a body: text is escaped into one, an HTML fragment is wrapped."""
    kind = normalise_content_type(content_type)
    if not content:
        return ""
    if kind == "html":
        if _HAS_HTML_ELEMENT.search(content):
            return content
        return f"{_HEAD}<body>\r\n{content}\r\n</body>\r\n</html>\r\n"
    escaped = "<br>\r\n".join(html.escape(line, quote=False) for line in _LINE_BREAK.split(content))
    return f"{_HEAD}<body>\r\n<div>{escaped}</div>\r\n</body>\r\n</html>\r\n"


_SKIPPED = frozenset({"head", "style", "script", "title", "template", "noscript"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
    "tfoot", "thead", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def _flush(self) -> None:
        line = "".join(self._current)
        self.lines.append((line if self._pre_depth else line.strip(" ")).replace("\xa0", " "))
        self._current = []

    def _soft_break(self) -> None:
        if "".join(self._current).strip():
            self._flush()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag == "br":
            self._flush()
        elif tag in _BLOCKS:
            self._soft_break()
            self._pre_depth += tag == "pre"
        elif tag in _CELLS and "".join(self._current).strip():
            self._current.append("\t")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush()
        elif tag in _BLOCKS:
            self._soft_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._soft_break()
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if not self._pre_depth:
            self._current.append(_WHITESPACE.sub(" ", data))
            return
        first, *rest = _LINE_BREAK.split(data)
        self._current.append(first)
        for line in rest:
            self._flush()
            self._current.append(line)

    def text(self) -> list[str]:
        self.close()
        self._soft_break()
        return self.lines


def to_text(html_content: str, newline: str = "\r\n") -> str:
    """Plain text of an HTML body: block elements and <br> end lines, entities are unescaped,
    runs of whitespace collapse, head/style/script are dropped and blank lines are squeezed."""
    extractor = _TextExtractor()
    extractor.feed(html_content)
    tidy: list[str] = []
    for line in extractor.text():
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return newline.join(tidy)


def preview(content: str, content_type: str) -> str:
    """bodyPreview: the body as plain text on one line, whitespace collapsed, at most 255 characters."""
    kind = normalise_content_type(content_type)
    text = to_text(content) if kind == "html" else content
    return _WHITESPACE.sub(" ", text.replace("\xa0", " ")).strip()[:PREVIEW_LENGTH]
