"""The hand-off protocol across seats, on a SQLite file and on PostgreSQL: the outgoing IC
offers with a brief on one seat; the incoming person, on theirs, sees the brief verbatim and
accepts as themself with a read-back; nobody else can; the outgoing IC confirms."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from multiseat_support import IRTUI_BIN, child_env

from irtui.domain.timeutil import ManualClock, clock_env
from irtui.store.repo import Store

BRIEF_LINE = "MY OWN NOTE: payments-db failover is half done [/] [red]"


def _cli(url: str, clock: ManualClock, who: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [IRTUI_BIN, "--db", url, "--as", who, *argv],
        capture_output=True,
        text=True,
        env={**child_env(), **clock_env(clock)},
        timeout=60,
    )


def test_offer_on_one_seat_accept_on_another_confirm_on_the_first(
    store_url: str, clock: ManualClock
) -> None:
    with (
        Store.open(store_url, clock=clock, author="alice") as alice,
        Store.open(store_url, clock=clock, author="erin") as erin,
    ):
        iid = alice.declare("Checkout 500s", 1, commander="alice").id
        alice.log(iid, "pool exhausted on payments-api", kind="action", starred=True)
        brief = alice.generated_brief(iid, "ic", "erin") + "\n" + BRIEF_LINE
        alice.handoff(iid, "ic", "erin", brief=brief)
        offer = erin.get(iid).handoffs["commander"]  # erin's own connection
        assert offer.brief == brief and "★ pool exhausted" in offer.brief

        refused = _cli(store_url, clock, "mallory", "accept", iid, "ic")
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "only erin can accept this hand-off of IC (you are mallory)" in refused.stderr
        own = _cli(store_url, clock, "alice", "accept", iid, "ic")
        assert own.returncode == 2 and "handing IC off" in own.stderr

        accepted = _cli(
            store_url,
            clock,
            "erin",
            "accept",
            iid,
            "ic",
            "--readback",
            "I'm taking IC. Current status is investigating; failover half done.",
        )
        assert accepted.returncode == 0, accepted.stderr
        assert BRIEF_LINE in accepted.stdout  # the brief, as written, on erin's seat
        assert alice.get(iid).commander == "alice"  # not before the confirmation
        alice.confirm_handoff(iid, "ic")
        assert erin.get(iid).commander == "erin"
        shown = _cli(store_url, clock, "bob", "show", iid)
        assert "Confirmed, erin is now IC" in shown.stdout
        assert alice.verify_projection(iid) and erin.verify_projection(iid)


async def _until(pilot, check: Callable[[], bool], timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not seen within {timeout} s")
        await pilot.pause(0.02)


def _app(store: Store, clock: ManualClock, name: str):  # type: ignore[no-untyped-def]
    from irtui.tui.app import IrtuiApp

    return IrtuiApp(
        store,
        clock=clock,
        seat_name=name,
        background_sync=False,
        heartbeat=False,
        bell=False,
        open_incident="INC-1",
    )


async def test_two_tuis_run_the_protocol(store_url: str, clock: ManualClock) -> None:
    from textual.widgets import Input, TextArea

    from irtui.tui.screens.handoff import RolesScreen

    a_store = Store.open(store_url, clock=clock, author="alice")
    e_store = Store.open(store_url, clock=clock, author="erin")
    try:
        a_store.declare("Checkout 500s", 1, commander="alice")
        a, e = _app(a_store, clock, "alice"), _app(e_store, clock, "erin")
        async with a.run_test(size=(120, 44)) as pa, e.run_test(size=(120, 44)) as pe:
            await _until(pa, lambda: getattr(a.screen, "incident_id", None) == "INC-1")
            await _until(pe, lambda: getattr(e.screen, "incident_id", None) == "INC-1")
            # alice: roles, to erin, her own words added to the brief, offer
            with a._context():  # two apps in one loop: act on this one
                a.screen.action_roles()
            await pa.pause()
            if type(a.screen).__name__ == "StaffDialog":  # required roles empty: staffing
                with a._context():
                    a.screen.action_handoff()  # ctrl+r: on to the roles dialog
            await _until(
                pa, lambda: isinstance(a.screen, RolesScreen) and bool(a.screen.query("#to"))
            )
            roles = a.screen
            with a._context():
                roles.query_one("#to", Input).value = "erin"
            await pa.pause()
            with a._context():
                area = roles.query_one("#brief", TextArea)
                area.text = area.text + "\n" + BRIEF_LINE
            await pa.press("ctrl+s")
            await _until(pa, lambda: not isinstance(a.screen, RolesScreen))
            # erin's seat is told, and shows the brief exactly as alice left it
            await _until(pe, lambda: any("offers you IC" in n.message for n in e._notifications))
            with e._context():
                e.screen.action_roles()
            await _until(
                pe, lambda: isinstance(e.screen, RolesScreen) and bool(e.screen.query("#readback"))
            )
            await pe.pause()
            seen = str(e.screen.query_one("#offer-brief-text").render())
            assert BRIEF_LINE in seen
            readback = e.screen.query_one("#readback", Input)
            assert readback.value.startswith("I'm taking IC. Current status is investigating")
            with e._context():
                readback.value += " Failover is half done."
            await pe.press("ctrl+a")
            await _until(pe, lambda: bool(e_store.get("INC-1").handoffs["commander"].accepted))
            assert e_store.get("INC-1").commander == "alice"
            # alice is asked to confirm, and does
            await _until(pa, lambda: any("accepted IC" in n.message for n in a._notifications))
            with a._context():
                a.screen.action_roles()
            await _until(
                pa,
                lambda: isinstance(a.screen, RolesScreen) and bool(a.screen.query("#offer-step")),
            )
            await pa.pause()
            assert "Failover is half done." in str(a.screen.query_one("#offer-step").render())
            await pa.press("ctrl+a")
            await _until(pa, lambda: a_store.get("INC-1").commander == "erin")
            await _until(pe, lambda: e.incident("INC-1").commander == "erin")
    finally:
        a_store.close()
        e_store.close()


def test_two_connections_in_one_process_keep_seeing_other_processes(tmp_path) -> None:
    """Regression: opening a second connection read the file's header with a plain `open()`,
    whose close dropped the process's SQLite locks; the next process to close its connection
    then deleted the WAL under the first connection, which never saw another write again."""
    import sys

    path = tmp_path / "room.db"
    with Store.open(path, author="alice") as alice:
        alice.declare("x", 2)
        with Store.open(path, author="erin") as erin:
            alice.log("INC-1", "alice writes last")
            script = f"from irtui.store.repo import Store\nStore.open({str(path)!r}).close()"
            subprocess.run([sys.executable, "-c", script], check=True, env=child_env())
            script = (
                f"from irtui.store.repo import Store\ns = Store.open({str(path)!r})\n"
                "s.log('INC-1', 'from another process')\ns.close()"
            )
            subprocess.run([sys.executable, "-c", script], check=True, env=child_env())
            assert alice.timeline("INC-1")[-1].text == "from another process"
            assert erin.change_marker() == alice.change_marker()
