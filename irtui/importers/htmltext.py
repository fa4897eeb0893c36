"""HTML in imported post bodies -> plain text, with the standard library's `html.parser`.

Status pages let operators write HTML (`<ul><li><strong>2016-01-20 22:47:07</strong> - We're
investigating …</li>…`); irtui stores text. A real parser, not regular expressions: tags
split across attributes, comments, entities (`&amp;`, `&#8217;`), unclosed `<li>` and
`<script>` bodies are all handled the way a browser's text view would:
- block elements (`p`, `div`, `li`, headings, `tr`, `br`, …) end a line; `li` lines start
  with `- ` so lists stay lists; table cells are separated by ` | `;
- `script`, `style`, `head`, `template` and comments are dropped; links keep their text and,
  when the target differs from it, ` (<href>)` after it;
- whitespace inside a line is collapsed; empty lines are dropped.
Text without `<` or `&` is returned as it is (most bodies: no parse at all).
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
_SKIP = frozenset({"script", "style", "head", "template", "noscript", "title"})
_CELL = frozenset({"td", "th"})


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.cells = 0
        self.links: list[tuple[str | None, int]] = []

    # --- helpers ---------------------------------------------------------------------
    def _break(self) -> None:
        line = " ".join("".join(self.current).split())
        self.current = []
        self.cells = 0
        if line:
            self.lines.append(line)

    # --- parser callbacks ------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        if tag in _BLOCK:
            self._break()
            if tag == "li":
                self.current.append("- ")
        elif tag in _CELL:
            if self.cells:
                self.current.append(" | ")
            self.cells += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len("".join(self.current))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._break()
        else:
            self.handle_starttag(tag, attrs)
            if tag in _SKIP:
                self.skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in _BLOCK:
            self._break()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.current)[start:].strip()
            if href and href.strip() and href.strip() not in (text, f"mailto:{text}"):
                self.current.append(f" ({href.strip()})")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def text(self) -> str:
        self._break()
        return "\n".join(self.lines)


def looks_like_html(text: str) -> bool:
    return "<" in text or "&" in text


def html_to_text(text: str) -> str:
    """Plain text of an HTML fragment (see the module docstring). Newlines in the source
    that are not inside a block element are kept as line breaks: status-page bodies mix
    plain lines and markup."""
    if not looks_like_html(text):
        return text.strip()
    # Plain newlines in a body are line breaks to the person who wrote it.
    builder = _TextBuilder()
    for n, chunk in enumerate(text.replace("\r\n", "\n").split("\n")):
        if n:
            builder._break()
        builder.feed(chunk)
    builder.close()
    return builder.text()
