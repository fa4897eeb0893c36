"""On-call, offline: who is primary and secondary now (or at any instant), until when, and who
is paged next.

- `spec.py` reads the `schedules:` of the catalog (layers of iCalendar files and YAML
  rotations, overrides with a reason) with `file:line` errors;
- `ical.py` turns an RFC 5545 file — PagerDuty's one-event-per-shift feeds, Grafana OnCall's
  primary and override calendars, Google/Outlook rotas with RRULE, EXDATE, RECURRENCE-ID,
  VTIMEZONE and Windows zone names — into shifts, with `icalendar` and
  `recurring-ical-events` (never a hand-written RRULE engine), cached per file and year so
  `irtui oncall` does not pay for the parse twice;
- `rotation.py` computes YAML rotations (weekly/daily hand-over at a local time, follow-the-sun
  hours) in their own time zone, so a DST change keeps the local hand-over time;
- `schedule.py` resolves layers and overrides at an instant (`[start, end)`: at the hand-over
  second the incoming person is on call), says so when two people overlap, and finds when the
  answer changes (the shift end);
- `resolve.py` answers for a service or team (owner, primary, secondary, escalation chain);
- `handoff.py` builds the brief for the incoming on-call.

Pure apart from reading the files it is pointed at and its cache: no SQL, HTTP or Textual.
"""
