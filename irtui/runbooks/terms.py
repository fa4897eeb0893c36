"""Words for the search index and the FTS5 expressions a query becomes.

The word index uses SQLite's own `porter unicode61` tokenizer, so stemming ("expired" and
"expiration" both become `expir`, "throttling" and "Throttle" `throttl`) happens inside
SQLite, identically for documents and queries, with nothing to import at start-up. What the
tokenizer cannot know is how alert runbooks name things: `KubePodCrashLooping` is one token
to it. `expand_identifiers` adds the parts (`Kube Pod Crash Looping`) and, for names and
titles, the joins of neighbouring parts (`crashlooping`, `podcrash`), so "crash looping",
"crashloop" and "KubePodCrash" all meet the runbook.

Synonyms ("oncall" = "on-call", "db" = "database", "ssl" = "tls") are expanded at query
time: each query word becomes `(word* OR synonym ...)`, so a library's own table can change
without re-indexing. The default table is small and about operations vocabulary; libraries
add their own (see `synonyms.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_NORM_DROP = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")

FIELDS = {
    "title": "title", "alert": "alerts", "alerts": "alerts", "service": "meta",
    "services": "meta", "svc": "meta", "tag": "meta", "tags": "meta", "name": "name",
    "body": "body",
}  # fmt: skip
"""`prefix:` -> word-index column (services and tags share `meta`)."""
TRIGRAM_FIELDS = {
    "title": "title", "alert": "alerts", "alerts": "alerts", "service": "services",
    "services": "services", "svc": "services", "tag": "tags", "tags": "tags", "name": "name",
    "body": "body",
}  # fmt: skip
"""`prefix:` -> trigram-index column."""


def camel_parts(token: str) -> list[str]:
    """`etcdGRPCRequestsSlow` -> `etcd GRPC Requests Slow`; `KubeAPIDown` -> `Kube API Down`."""
    return _CAMEL_PART.findall(token)


def expand_identifiers(text: str, *, joins: bool = False) -> str:
    """The extra words an identifier-heavy text needs (parts, and with `joins` the joins of
    2-3 neighbouring parts). Returned separately so snippets still show the text as written.
    """
    extra: list[str] = []
    seen: set[str] = set()
    for match in _IDENT.finditer(text):
        token = match.group()
        if len(token) < 4 or token in seen or token[1:].islower():
            continue
        seen.add(token)
        parts = camel_parts(token)
        if len(parts) < 2:
            continue
        extra.extend(parts)
        if joins:
            lowered = [p.lower() for p in parts]
            for size in (2, 3):
                for start in range(0, len(lowered) - size + 1):
                    extra.append("".join(lowered[start : start + size]))
    return " ".join(extra)


def norm_key(text: str) -> str:
    """What "the same name" means for exact matches: case, spaces and punctuation ignored
    (`Disk full` = `disk-full` = `DiskFull`)."""
    return _NORM_DROP.sub("", text).lower()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@dataclass(frozen=True, slots=True)
class Term:
    """One query term: its text, the field it is limited to, and whether it was quoted."""

    text: str
    field: str | None = None
    quoted: bool = False

    @property
    def words(self) -> list[str]:
        return [w.lower() for w in _WORD.findall(self.text)]


def parse_query(query: str) -> list[Term]:
    """Split a query into terms; `service:db`, `alert:Kube`, `tag:x`, `title:x` pick a field.

    Quotes group words into one phrase. An unknown `foo:` prefix is kept as text (it may be a
    Kubernetes `namespace:pod` the user pasted).
    """
    terms: list[Term] = []
    for match in _TOKEN.finditer(query):
        prefix, quoted, bare = match.group(1), match.group(2), match.group(3)
        text = quoted if quoted is not None else (bare or "")
        field = prefix.lower() if prefix and prefix.lower() in FIELDS else None
        if prefix and field is None:
            text = f"{prefix}:{text}"
        text = text.strip()
        if text:
            terms.append(Term(text, field, quoted is not None))
    return terms


def _phrase(words: Sequence[str], prefix: bool) -> str:
    body = '"' + " ".join(words).replace('"', '""') + '"'
    return body + ("*" if prefix else "")


def term_alternatives(term: Term, synonyms: Mapping[str, Sequence[str]]) -> list[str]:
    """The FTS5 phrases one term may match: itself (a prefix when 3+ characters and not
    quoted, for search-as-you-type) and its synonyms (exact phrases)."""
    words = term.words
    if not words:
        return []
    prefix = not term.quoted and len(words[-1]) >= 3 and not words[-1].isdigit()
    alternatives = [_phrase(words, prefix)]
    key = " ".join(words)
    for synonym in synonyms.get(key, ()):
        syn_words = [w.lower() for w in _WORD.findall(synonym)]
        if syn_words and syn_words != words:
            phrase = _phrase(syn_words, False)
            if phrase not in alternatives:
                alternatives.append(phrase)
    return alternatives


def term_expression(term: Term, synonyms: Mapping[str, Sequence[str]]) -> str:
    """One term as an FTS5 expression (empty when it has no searchable word)."""
    alternatives = term_alternatives(term, synonyms)
    if not alternatives:
        return ""
    inner = alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
    if term.field is not None:
        return f"{FIELDS[term.field]} : {inner}"
    return inner


def build_expression(
    terms: Iterable[Term], synonyms: Mapping[str, Sequence[str]], operator: str = "AND"
) -> str:
    parts = [expr for expr in (term_expression(t, synonyms) for t in terms) if expr]
    return f" {operator} ".join(parts)


def merged_terms(terms: list[Term], synonyms: Mapping[str, Sequence[str]]) -> list[Term]:
    """Join neighbouring bare words that form a multi-word synonym key ("out of memory",
    "on call", "roll back"), so the phrase's synonyms apply."""
    keys = [k for k in synonyms if " " in k]
    if not keys:
        return terms
    result: list[Term] = []
    index = 0
    while index < len(terms):
        joined = None
        for size in (3, 2):
            window = terms[index : index + size]
            if len(window) == size and all(t.field is None and not t.quoted for t in window):
                key = " ".join(" ".join(t.words) for t in window)
                if key in synonyms:
                    joined = Term(" ".join(t.text for t in window))
                    index += size
                    break
        if joined is None:
            result.append(terms[index])
            index += 1
        else:
            result.append(joined)
    return result
