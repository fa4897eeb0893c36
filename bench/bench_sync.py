"""Status-page sync throughput: what the outbox itself costs, network excluded.

Measures, on a real SQLite file (WAL, synchronous=FULL) and an in-process fake Statuspage:
- publish: recording an update + its outbox message (one transaction);
- deliver: claim -> HTTP (in-process) -> record, with no faults and with 50 % injected faults
  (backoff and pacing off, so this is the outbox's overhead, not the API's 1 request/s).
Prints a Markdown table. Run: /work/venv/bin/python bench/bench_sync.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from irtui.store.outbox_repo import OutboxRepo  # noqa: E402
from irtui.store.repo import Store  # noqa: E402
from irtui.sync.config import SyncConfig  # noqa: E402
from irtui.sync.outbox import Deliverer  # noqa: E402
from irtui.sync.publish import publish  # noqa: E402
from irtui.sync.statuspage import StatuspageV1  # noqa: E402
from tests.sync.fake_statuspage import FakeStatuspage  # noqa: E402

N_INCIDENTS = 10
N_UPDATES = 20
TOKEN = "bench-token"


def run(fault_rate: float) -> tuple[float, float, int, int]:
    cfg = SyncConfig(
        page_id="page1",
        base_url="http://bench/v1",
        components={"checkout": "c1"},
        min_interval_s=0.0,
    )
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "b.db") as store:
        incs = [store.declare(f"I{i}", 2, services=["checkout"]) for i in range(N_INCIDENTS)]
        t0 = time.perf_counter()
        for n in range(N_UPDATES):
            for inc in incs:
                publish(store, inc.id, f"{inc.id} update {n}", cfg)
        publish_s = time.perf_counter() - t0
        fake = FakeStatuspage(page_id="page1", token=TOKEN, fault_rate=fault_rate, seed=1)
        provider = StatuspageV1(cfg, TOKEN, transport=fake.transport(), sleep=lambda s: None)
        deliverer = Deliverer(OutboxRepo(store.db), provider, store.now, backoff=lambda a, r: 0.0)
        t0 = time.perf_counter()
        while OutboxRepo(store.db).summary()["sent"] < N_INCIDENTS * N_UPDATES:
            deliverer.deliver_due()
        deliver_s = time.perf_counter() - t0
        assert all(len(v) == 1 for v in fake.by_local_id().values())
        return publish_s, deliver_s, len(fake.requests), sum(fake.injected.values())


def main() -> None:
    total = N_INCIDENTS * N_UPDATES
    print(
        f"| scenario ({total} updates) | publish ms/update | deliver ms/update | "
        "requests | injected faults |"
    )
    print("|---|---|---|---|---|")
    for label, rate in (("no faults", 0.0), ("50 % faults", 0.5)):
        pub, del_, reqs, faults = run(rate)
        print(
            f"| {label} | {pub / total * 1000:.2f} | {del_ / total * 1000:.2f} | {reqs} | "
            f"{faults} |"
        )
    print(
        "\nThe real API allows 1 request/s per key, so delivery is API-bound (>= 1 s per "
        "update); the outbox adds the few ms above."
    )


if __name__ == "__main__":
    main()
