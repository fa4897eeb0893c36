"""The search-quality measurement shared by the test and `bench/bench_runbooks.py`.

`data/search_quality.yaml` holds queries and the runbooks a person judged right for each.
Two numbers come out, over all queries:

- **precision@3**: of the top three results, the share that are right, out of
  `min(3, number judged right)` (a query with one right answer scores 1.0 when it is in the
  top three: nothing else could have been right);
- **best in top 3**: the share of queries whose best answer (listed first) is in the top 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from irtui import paths
from irtui.boundary.yaml_load import load_yaml_file

DATA = Path(__file__).resolve().parent / "data" / "search_quality.yaml"


@dataclass(frozen=True, slots=True)
class Outcome:
    query: str
    right: tuple[str, ...]
    top: tuple[str, ...]

    @property
    def precision(self) -> float:
        wanted = min(3, len(self.right))
        return sum(1 for name in self.top[:3] if name in self.right) / wanted

    @property
    def best_in_top3(self) -> bool:
        return self.right[0] in self.top[:3]


def library_roots(corpora: Path) -> dict[str, Path]:
    """Label -> runbook folder, in the order a team would configure them."""
    return {
        "prom": corpora / "prometheus-operator-runbooks" / "content" / "runbooks",
        "zh": corpora / "kubesphere-alert-runbooks" / "content.zh" / "runbooks",
        "bundled": paths.bundled_runbooks_dir(),
    }


def label_of(path: Path, roots: dict[str, Path]) -> str:
    """`prom:node/NodeX` for a file of a labelled root."""
    for label, root in roots.items():
        try:
            rel = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue
        return f"{label}:{rel.with_suffix('').as_posix()}"
    return str(path)


def evaluate(index: object, corpora: Path) -> list[Outcome]:
    """Run every judged query against `index` (already refreshed over `library_roots`)."""
    roots = library_roots(corpora)
    data = load_yaml_file(DATA)
    outcomes = []
    for item in data["queries"]:
        hits = index.search(item["q"], limit=10)  # type: ignore[attr-defined]
        top = tuple(label_of(hit.summary.path, roots) for hit in hits)
        outcomes.append(Outcome(item["q"], tuple(item["right"]), top))
    return outcomes


def summary(outcomes: list[Outcome]) -> tuple[float, float]:
    """`(mean precision@3, share with the best answer in the top 3)`."""
    count = len(outcomes) or 1
    return (
        sum(o.precision for o in outcomes) / count,
        sum(1 for o in outcomes if o.best_in_top3) / count,
    )
