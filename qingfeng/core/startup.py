"""What a served process prepares once before it answers anyone, so the first visitors of the day do not pay for it.

Apps register warmers in their AppConfig.ready (the cockpit: the figures of the top organizations' cockpits, which
every leader opens first). `qingfeng serve` runs them before its workers start: gunicorn forks them from the
serving process, so each inherits what was built (the shared figures, the compiled templates, the connection-free
caches) without building it again. A warmer is bounded by the time left (`deadline`, time.monotonic()) and never
stops the server: a failure is logged and serving begins anyway.

    startup.register(_("驾驶舱"), warm_cockpit)   # warm_cockpit(deadline) -> how many pages it prepared
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Warmer = Callable[[float], int]
warmers: list[tuple[object, Warmer]] = []  # (what it prepares, in words: a lazy translation; the warmer)


def register(label: object, warmer: Warmer) -> None:
    if all(w is not warmer for _label, w in warmers):
        warmers.append((label, warmer))


def warm(seconds: float, say: Callable[[str, int, float], None] | None = None) -> dict[str, int]:
    """Run every warmer within `seconds` in all; `say(name, prepared, seconds taken)` hears of each. A server about
    to fork its workers closes the database connections afterwards (no worker may share one)."""
    done: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    for label, warmer in warmers:
        name = str(label)
        if time.monotonic() >= deadline:
            break
        began = time.monotonic()
        try:
            done[name] = warmer(deadline)
        except Exception:  # noqa: BLE001 — preparing is an optimisation: the server starts regardless
            log.exception("warming %s failed", name)
            continue
        if say is not None:
            say(name, done[name], time.monotonic() - began)
    return done
