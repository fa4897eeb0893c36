"""Per-library settings: `irtui-runbooks.yaml` at the root of a runbook folder.

Teams write runbooks to their own template, so what irtui expects of a runbook is the
library's choice, not irtui's. Without this file the linter reports only real problems
(dead links and images, missing anchors, empty files, no title, unparseable front matter).
With it a library can opt in to more:

    lint:
      recommended_sections: starter        # the bundled starter set's template, or:
      # recommended_sections:
      #   mitigation: [mitigation, remediation, fix]
      #   escalation: [escalation, contacts]
      stale_after_days: 90                 # flag `last_reviewed` older than this
    search:
      synonyms:
        - [pg, postgres, postgresql]
      default_synonyms: true

Read with the one YAML reader (`boundary.yaml_load`): aliases refused, size and depth
bounded, errors as `file:line`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from irtui.runbooks.model import STALE_AFTER_DAYS

CONFIG_NAMES = ("irtui-runbooks.yaml", ".irtui-runbooks.yaml")

STARTER_SECTIONS: dict[str, tuple[str, ...]] = {
    "overview": (
        "overview", "summary", "meaning", "description", "about", "context", "background",
        "what is this", "symptoms", "概述", "含义", "概览", "描述",
    ),
    "impact": ("impact", "customer impact", "user impact", "blast radius", "影响"),
    "investigation": (
        "investigation", "investigate", "diagnosis", "diagnose", "diagnostics", "triage",
        "troubleshooting", "troubleshoot", "debugging", "debug", "detection", "诊断", "排查",
    ),
    "mitigation": (
        "mitigation", "mitigate", "remediation", "resolution", "resolve", "fix", "recovery",
        "recover", "workaround", "缓解", "修复", "处理",
    ),
    "rollback": ("rollback", "roll back", "roll-back", "revert", "back out", "backout", "回滚"),
    "escalation": (
        "escalation", "escalate", "contacts", "contact", "owners", "who to call", "on-call",
        "升级", "联系人",
    ),
}  # fmt: skip
"""The bundled starter library's template: section name -> heading words that count."""

PRESETS: dict[str, dict[str, tuple[str, ...]]] = {"starter": STARTER_SECTIONS}


class LibraryConfigError(ValueError):
    """`irtui-runbooks.yaml` is malformed: `file:line: what`."""


@dataclass(frozen=True, slots=True)
class LibraryConfig:
    """One library's settings (all off by default: a folder without the file gets these)."""

    source: str = ""
    recommended_sections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stale_after_days: int = STALE_AFTER_DAYS
    synonyms: tuple[tuple[str, ...], ...] = ()
    default_synonyms: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "recommended_sections": {k: list(v) for k, v in self.recommended_sections.items()},
            "stale_after_days": self.stale_after_days,
            "synonyms": [list(g) for g in self.synonyms],
            "default_synonyms": self.default_synonyms,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LibraryConfig:
        return cls(
            source=str(data.get("source", "")),
            recommended_sections={
                str(k): tuple(v) for k, v in dict(data.get("recommended_sections", {})).items()
            },
            stale_after_days=int(data.get("stale_after_days", STALE_AFTER_DAYS)),
            synonyms=tuple(tuple(g) for g in data.get("synonyms", ())),
            default_synonyms=bool(data.get("default_synonyms", True)),
        )


def config_file(root: str | os.PathLike[str]) -> str | None:
    """The library's settings file, if it has one (a single-file root has none)."""
    folder = os.fspath(root)
    if not os.path.isdir(folder):
        return None
    for name in CONFIG_NAMES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def fingerprint(root: str | os.PathLike[str]) -> str:
    """Changes whenever the settings file does (path, mtime, size): cheap to compare."""
    path = config_file(root)
    if path is None:
        return ""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def _where(source: str, container: Any, key: Any = None) -> str:
    from irtui.boundary.yaml_load import line_of

    line = line_of(container, key)
    return f"{source}:{line}" if line else source


def _sections(value: Any, source: str, parent: Any) -> dict[str, tuple[str, ...]]:
    if value in (None, False):
        return {}
    if isinstance(value, str):
        preset = PRESETS.get(value.strip().lower())
        if preset is None:
            names = ", ".join(sorted(PRESETS))
            raise LibraryConfigError(
                f"{_where(source, parent, 'recommended_sections')}: unknown preset "
                f"{value!r} (known: {names})"
            )
        return dict(preset)
    if isinstance(value, list):  # a list of section names: each heading word is the name
        return {str(name).strip().lower(): (str(name).strip().lower(),) for name in value}
    if isinstance(value, dict):
        result: dict[str, tuple[str, ...]] = {}
        for name, words in value.items():
            if isinstance(words, str):
                words = [words]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise LibraryConfigError(
                    f"{_where(source, value, name)}: section {name!r} needs a list of heading words"
                )
            result[str(name)] = tuple(w.strip().lower() for w in words if w.strip())
        return result
    raise LibraryConfigError(
        f"{_where(source, parent, 'recommended_sections')}: recommended_sections must be a "
        "preset name, a list of section names or a mapping of section -> heading words"
    )


def _synonyms(value: Any, source: str, parent: Any) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    groups: list[Sequence[Any]] = []
    if isinstance(value, dict):
        groups = [[key, *(v if isinstance(v, list) else [v])] for key, v in value.items()]
    elif isinstance(value, list):
        groups = [g if isinstance(g, list) else [] for g in value]
    if not groups or any(len(g) < 2 for g in groups):
        raise LibraryConfigError(
            f"{_where(source, parent, 'synonyms')}: synonyms must be a list of groups "
            "(`- [db, database]`) or a mapping (`db: [database]`)"
        )
    return tuple(tuple(str(w) for w in group) for group in groups)


def load_library_config(root: str | os.PathLike[str]) -> LibraryConfig:
    """The settings of the library at `root` (defaults when it has no settings file)."""
    path = config_file(root)
    if path is None:
        return LibraryConfig()
    from irtui.boundary.errors import YamlError
    from irtui.boundary.yaml_load import load_yaml_file

    try:
        data = load_yaml_file(path, max_bytes=256 * 1024)
    except YamlError as exc:
        raise LibraryConfigError(str(exc)) from None
    if data is None:
        return LibraryConfig(source=path)
    if not isinstance(data, dict):
        raise LibraryConfigError(f"{path}:1: expected a mapping (lint:, search:)")
    lint = data.get("lint") or {}
    search = data.get("search") or {}
    for name, section in (("lint", lint), ("search", search)):
        if not isinstance(section, dict):
            raise LibraryConfigError(f"{_where(path, data, name)}: `{name}:` must be a mapping")
    stale = lint.get("stale_after_days", STALE_AFTER_DAYS)
    if not isinstance(stale, int) or isinstance(stale, bool) or not 1 <= stale <= 36_500:
        raise LibraryConfigError(
            f"{_where(path, lint, 'stale_after_days')}: stale_after_days must be a whole "
            "number of days between 1 and 36500"
        )
    default_synonyms = search.get("default_synonyms", True)
    if not isinstance(default_synonyms, bool):
        raise LibraryConfigError(
            f"{_where(path, search, 'default_synonyms')}: default_synonyms must be true or false"
        )
    return LibraryConfig(
        source=path,
        recommended_sections=_sections(lint.get("recommended_sections"), path, lint),
        stale_after_days=stale,
        synonyms=_synonyms(search.get("synonyms"), path, search),
        default_synonyms=default_synonyms,
    )
