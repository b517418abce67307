"""/indicators, /drill and /warnings: figures, the records behind them, and warnings."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["indicators"])
