from __future__ import annotations

from html.parser import HTMLParser

import pytest

from calgraph.core import body
from calgraph.core.errors import RequestBodyRead

HEAD = '<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n'


class _TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in ("meta", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag


def _well_formed(document: str) -> bool:
    parser = _TagBalance()
    parser.feed(document)
    parser.close()
    return not parser.open


@pytest.mark.parametrize(("value", "expected"), [("text", "text"), ("Text", "text"), ("HTML", "html"), ("html", "html")])
def test_normalise_content_type(value: str, expected: str) -> None:
    assert body.normalise_content_type(value) == expected


@pytest.mark.parametrize("value", ["markdown", "", None, 1])
def test_normalise_content_type_rejects_others(value: object) -> None:
    with pytest.raises(RequestBodyRead):
        body.normalise_content_type(value)


def test_text_becomes_an_escaped_html_document() -> None:
    html = body.to_html("Fish & chips <b>\nsecond line", "text")
    assert html == (
        f"{HEAD}<body>\r\n<div>Fish &amp; chips &lt;b&gt;<br>\r\nsecond line</div>\r\n</body>\r\n</html>\r\n"
    )
    assert _well_formed(html)


def test_html_document_is_stored_as_given() -> None:
    document = "<html><body><p>Hi</p></body></html>"
    assert body.to_html(document, "HTML") == document
    assert body.to_html("<HTML lang='en'><body>x</body></HTML>", "html") == "<HTML lang='en'><body>x</body></HTML>"


def test_html_fragment_is_wrapped() -> None:
    html = body.to_html("Does noon work for you?", "html")
    assert html == f"{HEAD}<body>\r\nDoes noon work for you?\r\n</body>\r\n</html>\r\n"
    assert _well_formed(html)


def test_empty_content_stays_empty() -> None:
    assert body.to_html("", "text") == ""
    assert body.to_html("", "html") == ""
    assert body.to_text("") == ""
    assert body.preview("", "html") == ""


def test_to_html_validates_the_content_type() -> None:
    with pytest.raises(RequestBodyRead):
        body.to_html("x", "rtf")


def test_text_round_trips_through_html() -> None:
    text = "Dear team,\n\nLunch at <noon> & later.\nBye"
    assert body.to_text(body.to_html(text, "text"), newline="\n") == text
    assert body.to_text(body.to_html(text, "text")) == text.replace("\n", "\r\n")


def test_to_text_handles_structure_entities_and_noise() -> None:
    html = (
        "<html><head><title>T</title><style>p {color: red}</style></head>"
        "<body><h1>Title</h1><p>Para&nbsp;one &amp; <b>bold</b>   text</p>"
        "<div>Two<br/>lines<br>here</div><ul><li>a</li><li>b</li></ul>"
        "<table><tr><td>c1</td><td>c2</td></tr></table>"
        "<script>alert(1)</script><!-- comment --><p>&lt;end&gt; &#8364;</p></body></html>"
    )
    assert body.to_text(html, newline="\n") == (
        "Title\nPara one & bold text\nTwo\nlines\nhere\na\nb\nc1\tc2\n<end> \u20ac"
    )


def test_to_text_squeezes_blank_lines_and_keeps_pre() -> None:
    html = "<div>a</div><br><br><br><br><div>b</div><pre>  x = 1\n  y = 2</pre>"
    assert body.to_text(html, newline="\n") == "a\n\nb\n  x = 1\n  y = 2"


def test_preview_of_html() -> None:
    html = body.to_html("Does noon\nwork   for you?", "text")
    assert body.preview(html, "html") == "Does noon work for you?"


def test_preview_of_text_collapses_whitespace() -> None:
    assert body.preview("  a\r\n\r\nb\t c  ", "Text") == "a b c"


def test_preview_is_at_most_255_characters() -> None:
    long_text = "word " * 200
    preview = body.preview(body.to_html(long_text, "text"), "html")
    assert len(preview) == 255
    assert preview == long_text.strip()[:255]
