"""Tabletop drills: practise before it's real.

A drill is an ordinary incident of kind `drill`, played on its own clock, with a script of
injects the facilitator plays to the players, who answer in the ordinary war room.

- `offsets`   — `+4m` scenario offsets and `T+04:00` drill times;
- `facts`     — the fact vocabulary (`ack`, `status identified`, `update exec` ...) shared by
                triggers, conditions and the answer key, and when each fact happened;
- `scenario`  — the scenario model and its validation (`file:line` errors);
- `library`   — the scenarios shipped with irtui (package data) and finding one by name;
- `clock`     — the drill clock: start, pauses, resumes and speed changes are events, so
                `drill_now(events, real_now)` is a pure function and a restarted drill resumes
                where it was;
- `engine`    — pure: which injects have fired, which are due, what comes next and when;
- `runner`    — the drill's commands through `Store` (each inject fired exactly once: the
                decision is taken inside the store's write transaction);
- `replay`    — a past incident turned into a scenario;
- `debrief`   — the scored debrief and its findings.

Nothing here imports Textual; nothing here speaks SQL (the store does) or HTTP (a drill never
sends anything: the outbox's drill sink, `irtui/store/outbox_repo.py`).
"""
