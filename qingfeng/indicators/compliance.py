"""The compliance windows as the indicator engine uses them (the fact store, the warnings): defined with the
activities and their requirements, in qingfeng.activities.windows."""

from qingfeng.activities.windows import (
    CADENCE_MONTHS,
    WINDOW_COLUMNS,
    Window,
    active_requirements,
    is_full,
    requirement_branches,
    window_starts,
    windows_for_branches,
    windows_for_subtree,
)

__all__ = ["CADENCE_MONTHS", "WINDOW_COLUMNS", "Window", "active_requirements", "is_full", "requirement_branches",
           "window_starts", "windows_for_branches", "windows_for_subtree"]
