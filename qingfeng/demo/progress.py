"""A plain text progress bar on stderr: redrawn in place on a terminal, periodic lines otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: float, stream=None, width: int = 30, enabled: bool = True):
        self.total = max(total, 1)
        self.done = 0.0
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.label = ""
        self._last_line_pct = -100.0

    def step(self, label: str, amount: float = 0.0) -> None:
        self.label = label
        self.done = min(self.total, self.done + amount)
        self._draw(force_line=amount == 0.0)

    def advance(self, amount: float) -> None:
        self.done = min(self.total, self.done + amount)
        self._draw()

    def _draw(self, force_line: bool = False) -> None:
        if not self.enabled:
            return
        pct = 100.0 * self.done / self.total
        elapsed = time.monotonic() - self.started
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"[{bar}] {pct:5.1f}% {elapsed:6.1f}s {self.label}"
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(100))
            self.stream.flush()
        elif force_line or pct - self._last_line_pct >= 10:
            self._last_line_pct = pct
            self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self, label: str) -> None:
        self.done = self.total
        self.label = label
        self._draw(force_line=True)
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
