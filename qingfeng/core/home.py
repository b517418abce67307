"""The home page (工作台): what the signed-in user does next, and the figures of their organization, with the day
they are for.

The kernel knows none of the ledgers or derived figures, so the panels come from the apps above it: an app
registers a panel in its AppConfig.ready() (a plain import of its `home` module) with `panel(order, template)`
on a function taking the request and returning the template's context, or None to show nothing. The home view
renders the panels in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qingfeng.core.http import AuthedRequest

    PanelContext = Callable[[AuthedRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: PanelContext


PANELS: dict[str, Panel] = {}


def panel(order: int, template: str) -> Callable[[PanelContext], PanelContext]:
    """Register the decorated function as a home panel (by its qualified name: registering twice replaces)."""

    def register(func: PanelContext) -> PanelContext:
        PANELS[f"{func.__module__}.{func.__qualname__}"] = Panel(order, template, func)
        return func

    return register


def panels_for(request: AuthedRequest) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel that has something to show the user, in order."""
    shown = []
    for p in sorted(PANELS.values(), key=lambda p: p.order):
        context = p.context(request)
        if context is not None:
            shown.append((p.template, context))
    return shown
