"""The service catalog: who owns a service, what it depends on, how to page for it.

Sources, merged into one `Catalog`:
- irtui's own `catalog.yaml` (`load.py`): people, teams, services, escalation policies and the
  on-call schedules they point at, validated with `file:line` errors like the policy;
- Backstage `catalog-info.yaml` files (`backstage.py`): Components, Resources, Systems, Groups,
  Users and Location files, read offline, messy ones reported and kept going.

`graph.py` turns `depends_on` into a dependency graph: cycles are found (never a hang) and the
*blast radius* of a service is everything that depends on it, directly or not.

Pure: standard library and PyYAML (through `irtui.boundary.yaml_load`); no SQL, HTTP or Textual.
"""
