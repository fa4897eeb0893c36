"""Import configuration: which source components become services, and under which name.

Status pages carry components that are not services: a catch-all ("Visit www.example.com for
more information"), a region list, a marketing site. Imported as services they flood the
"recurring" list. `import.yaml` (in the user config dir, or `--config FILE`) says what to do:

```yaml
components:
  ignore:                      # exact names or shell-style patterns, case-insensitive
    - "Visit www.* for more information"
    - "Third-party*"
  map:                         # source component -> irtui service
    "API Requests": api
    "Git Operations": git
```

Read with `boundary.yaml_load.load_yaml_file` (no aliases, bounded size and depth, duplicate
keys refused) and validated here: every refusal names `file:line`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from irtui.boundary.errors import TextRefused, YamlError
from irtui.boundary.text_in import clean_input
from irtui.boundary.yaml_load import line_of, load_yaml_file

FILE_NAME = "import.yaml"
_KEYS = frozenset({"components"})
_COMPONENT_KEYS = frozenset({"ignore", "map"})


@dataclass(frozen=True, slots=True)
class ImportConfig:
    ignore: tuple[str, ...] = ()
    rename: dict[str, str] = field(default_factory=dict)  # lower-cased source name -> service
    source: str = ""

    def ignored(self, name: str) -> bool:
        low = name.strip().lower()
        return any(fnmatchcase(low, pattern) for pattern in self.ignore)

    def services(self, names: Iterable[str]) -> list[str]:
        """Source component names -> service names: ignored ones dropped, mapped ones
        renamed, duplicates removed (first wins)."""
        out: list[str] = []
        for name in names:
            try:
                clean = clean_input(name, what="component", field="name", multiline=False).text
            except TextRefused as exc:
                from irtui.importers.source import RecordError

                raise RecordError(str(exc)) from None
            clean = clean.strip()
            if not clean or self.ignored(clean):
                continue
            service = self.rename.get(clean.lower(), clean)
            if service not in out:
                out.append(service)
        return out


def _strings(value: Any, source: str, line: int | None, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise YamlError(source, line, f"{what} must be a list of names")
    return [v.strip() for v in value]


def parse_config(data: Any, source: str) -> ImportConfig:
    if data is None:
        return ImportConfig(source=source)
    if not isinstance(data, dict):
        raise YamlError(source, None, "an import config is a mapping (components: ...)")
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise YamlError(
            source, line_of(data, unknown[0]), f"unknown key {unknown[0]!r} (known: components)"
        )
    components = data.get("components") or {}
    if not isinstance(components, dict):
        raise YamlError(source, line_of(data, "components"), "components must be a mapping")
    bad = sorted(str(k) for k in components if k not in _COMPONENT_KEYS)
    if bad:
        raise YamlError(
            source, line_of(components, bad[0]), f"unknown key {bad[0]!r} (known: ignore, map)"
        )
    ignore = _strings(
        components.get("ignore") or [], source, line_of(components, "ignore"), "ignore"
    )
    mapping = components.get("map") or {}
    if not isinstance(mapping, dict):
        raise YamlError(source, line_of(components, "map"), "map must be a mapping")
    rename: dict[str, str] = {}
    for key, value in mapping.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise YamlError(
                source, line_of(mapping, key), "map entries are `source component: service`"
            )
        rename[key.strip().lower()] = clean_input(
            value.strip(), what="service", field="short", multiline=False
        ).text
    return ImportConfig(tuple(p.lower() for p in ignore), rename, source)


def load_config(path: str | Path | None) -> ImportConfig:
    """`path`, else `import.yaml` in the user config dir if it exists, else no config."""
    if path is None:
        from irtui.paths import config_dir

        default = Path(config_dir()) / FILE_NAME
        if not default.exists():
            return ImportConfig()
        path = default
    return parse_config(load_yaml_file(path), str(path))
