"""Line-level Markdown scanning: just enough structure for runbooks, without a full parser.

The index and linter must work without Textual (and so without markdown-it), and they need only
headings, links and list items outside code fences. A line scanner that understands fences is
fast (a 1 MB file scans in milliseconds) and never fails on odd input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from irtui.runbooks.model import Heading, Link

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)"
)
MAX_LINK_LINE = 10_000
"""Links are looked for in lines up to this long: `_INLINE_LINK` backtracks quadratically on
a line of brackets (200 KB of `[` froze `irtui runbooks` for minutes)."""
_REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_SHORTCODE_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+\"([^\"]*)\"\s*[>%]\}\}")
_SHORTCODE_ANY = re.compile(r"\{\{[<%]\s*/?[^{}]*?[>%]\}\}")
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")
_HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"'][^>]*>", re.IGNORECASE)
_HTML_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_HTML_ANCHOR = re.compile(r"<[a-z][^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def strip_shortcodes(text: str) -> str:
    """Resolve Hugo `{{< ref "x.md" >}}` to `x.md` and drop other shortcode markers.

    Keeps the content between paired shortcodes (`{{< hint >}}...{{< /hint >}}`): in a war room
    the words matter more than the site's decoration.
    """
    if "{{" not in text:
        return text
    text = _SHORTCODE_REF.sub(lambda m: m.group(1), text)
    return _SHORTCODE_ANY.sub("", text)


def slugify(text: str) -> str:
    """GitHub-style heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def iter_prose_lines(body: str) -> Iterator[tuple[int, str]]:
    """Yield `(index, line)` for lines outside fenced code blocks (0-based index into body)."""
    fence: str | None = None
    for index, line in enumerate(body.splitlines()):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                continue
            yield index, line
        elif (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not line.strip()[len(match.group(1)) :].strip()
        ):
            fence = None


def extract_headings(body: str, first_line: int = 1) -> list[Heading]:
    """ATX (`## x`) and setext (`x` over `===`) headings outside code, with file line numbers."""
    headings: list[Heading] = []
    seen: dict[str, int] = {}
    previous: tuple[int, str] | None = None
    for index, line in iter_prose_lines(body):
        level = 0
        text = ""
        line_no = first_line + index
        atx = _ATX.match(line)
        if atx:
            level, text = len(atx.group(1)), (atx.group(2) or "").strip()
        elif previous is not None and previous[0] == index - 1 and _SETEXT.match(line):
            prev_text = previous[1].strip()
            if prev_text and not _LIST_ITEM.match(previous[1]) and not prev_text.startswith(">"):
                level = 1 if line.strip().startswith("=") else 2
                text = prev_text
                line_no -= 1
                if headings and headings[-1].line == line_no:
                    level = 0
        previous = (index, line)
        if not level or not text:
            continue
        anchor = slugify(text)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        if count:
            anchor = f"{anchor}-{count}"
        headings.append(Heading(level=level, text=text, line=line_no, anchor=anchor))
    return headings


def _without_comments(body: str) -> str:
    """HTML comments blanked (newlines kept, so line numbers stay right): a link inside
    `<!-- -->` is not shown and is not the linter's business."""
    if "<!--" not in body:
        return body
    return _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)


def extract_links(body: str, first_line: int = 1) -> list[Link]:
    """Inline and reference-definition links outside code (fenced and inline) and comments.

    A target written inside Hugo's `{{< ref "x.md" >}}` is marked `kind="ref"`: Hugo resolves
    those by its own rules (a unique page name anywhere on the site), plain links it does not.
    """
    links: list[Link] = []
    for index, raw in iter_prose_lines(_without_comments(body)):
        refs = set(_SHORTCODE_REF.findall(raw)) if "{{" in raw else set()
        line = strip_shortcodes(raw)
        if "`" in line:
            line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        ref = _REF_DEF.match(line)
        if ref:
            kind = "ref" if ref.group(2) in refs else "link"
            links.append(Link(ref.group(1), ref.group(2), first_line + index, kind))
            continue
        if "](" not in line or len(line) > MAX_LINK_LINE:
            continue  # no inline link; or a line so long the regex would take quadratic time
        for match in _INLINE_LINK.finditer(line):
            if match.group(1):  # images are not navigation (see `extract_images`)
                continue
            kind = "ref" if match.group(3) in refs else "link"
            links.append(Link(match.group(2), match.group(3), first_line + index, kind))
    return links


def extract_images(body: str, first_line: int = 1) -> list[Link]:
    """Images: Markdown `![alt](src)` and HTML `<img src=... alt=...>`, outside code."""
    images: list[Link] = []
    for index, raw in iter_prose_lines(_without_comments(body)):
        if "!" not in raw and "<img" not in raw.lower():
            continue
        line = strip_shortcodes(raw)
        if "`" in line:
            line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        for match in _INLINE_LINK.finditer(line):
            if match.group(1):
                images.append(Link(match.group(2), match.group(3), first_line + index, "image"))
        for match in _HTML_IMG.finditer(line):
            alt = _HTML_ALT.search(match.group(0))
            images.append(
                Link(alt.group(1) if alt else "", match.group(1), first_line + index, "image")
            )
    return images


def extract_anchors(body: str, headings: list[Heading]) -> frozenset[str]:
    """Every `#fragment` a link may point at: heading slugs and HTML `id`/`name` values."""
    found = {h.anchor for h in headings}
    if "=" in body and "<" in body:
        found.update(m.lower() for m in _HTML_ANCHOR.findall(body))
    return frozenset(found)


def first_heading(headings: list[Heading]) -> Heading | None:
    """The document's title candidate: the first H1, else the first heading of any level."""
    for heading in headings:
        if heading.level == 1:
            return heading
    return headings[0] if headings else None
