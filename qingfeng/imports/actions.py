"""Writes through imports: validate a whole file, then write it in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qingfeng.core.jobs import Progress
from qingfeng.imports.engine import Importer, Problem
from qingfeng.imports.mapping import SheetMap
from qingfeng.imports.reader import FileRejected, close, finish, read_path


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notices: list[Problem] = field(default_factory=list)
    summary: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def changes(self) -> int:
        return sum(c["create"] + c["update"] for c in self.summary.values())


def check_file(path: Path, user: Any, maps: list[SheetMap] | None = None) -> tuple[ImportResult, Importer | None]:
    """Validate everything; nothing is written. With `maps` the sheets are read through those column mappings
    (the user's own workbook, imports.mapping) instead of as templates."""
    importer = Importer(user)
    raw = []
    try:
        raw = read_path(Path(path))  # parsed in a bounded child process (imports.reader)
        importer.validate(raw, maps)
        if importer.ok:
            finish(raw)  # a refusal in a part nobody read (an ignored sheet) counts too
    except FileRejected as exc:
        return ImportResult(problems=[Problem("", None, "", str(exc))], problem_count=1), None
    finally:
        close(raw)
    result = ImportResult(problems=importer.problems, problem_count=importer.problem_count, notices=importer.notices,
                          summary=importer.summary() if importer.ok else {})
    return result, importer


def run_import(path: Path, user: Any, *, dry_run: bool = False, progress: Progress | None = None,
               maps: list[SheetMap] | None = None) -> ImportResult:
    """Validate the whole file and, when there is no error (and not a dry run), write it in one transaction."""
    result, importer = check_file(path, user, maps)
    if not result.ok or dry_run or importer is None:
        return result
    if result.changes:
        importer.write(progress)
        result.written = True
    return result


def write_steps(importer: Importer) -> Iterator[tuple[str, int, int]]:
    """Write a validated import in one transaction, yielding (sheet, rows done, rows in total) after each
    batch — for a page that shows the progress. Closing the generator early rolls everything back."""
    yield from importer.write_steps()
