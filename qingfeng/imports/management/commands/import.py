"""`qingfeng import PATH [--dry-run] [--user NAME] [--map auto|mapping.json] [--save-map mapping.json]`
(spec/interfaces.md; the column mapping of one's own workbooks: docs/import-own-excel.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.imports.mapping import SheetMap


class Command(BaseCommand):
    help = "导入工作簿（.xlsx）或 CSV 文件夹；先校验整个文件，无误后在一个事务中写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="an .xlsx workbook, a .csv file named <sheet>.csv, or a folder of them")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--user", help="import as this user (default: the administrator)")
        parser.add_argument("--map", dest="map", metavar="auto|FILE",
                            help="read the file's own sheets and headers: `auto` proposes the ledger, the header row and "
                                 "each column; a JSON file gives a saved mapping")
        parser.add_argument("--save-map", metavar="FILE", help="write the mapping used to this JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        from qingfeng.accounts.models import Role, User
        from qingfeng.imports.actions import run_import

        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有用户“{options['user']}”", returncode=2)
        else:
            user = (User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
                    or User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first())
            if user is None:
                raise CommandError("系统中还没有管理员账户，请用 --user 指定导入用户", returncode=2)
        if user.org_id is None and not user.is_platform_admin:
            raise CommandError(f"用户“{user.username}”没有所属组织，不能导入", returncode=1)
        if user.is_read_only:
            raise CommandError(f"用户“{user.username}”是只读角色，不能导入", returncode=1)
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"找不到文件：{path}", returncode=2)

        from qingfeng.imports.engine import REFRESH_LABEL

        last: list[Any] = [None, 0]  # [the label shown last, rows done when it was shown]

        def progress(label: str, done: int, total: int) -> None:
            # One line per ~5 % so a long import shows it is alive (stderr, not the summary).
            if label != last[0]:
                last[:] = [label, 0]
            if done == total or done - last[1] >= max(total // 20, 1):
                last[1] = done
                what = "已写入，正在更新统计数据" if label == REFRESH_LABEL else f"正在写入 {label}"
                sys.stderr.write(f"{what}：{done}/{total}\n")
                sys.stderr.flush()

        maps = self.mapping(options, path, user)
        result = run_import(path, user, dry_run=options["dry_run"], progress=progress, maps=maps)
        for notice in result.notices:
            self.stdout.write(f"提示 {notice}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problem_count > len(result.problems):
                self.stderr.write(f"……另有 {result.problem_count - len(result.problems)} 个错误未列出")
            raise CommandError(f"发现 {result.problem_count} 个错误，未写入任何数据。", returncode=1)
        width = max(len(name) for name in result.summary) if result.summary else 4
        self.stdout.write(f"{'工作表'.ljust(width)}  新增  更新  未变")
        for name, c in result.summary.items():
            self.stdout.write(f"{name.ljust(width)}  {c['create']}  {c['update']}  {c['unchanged']}")
        if options["dry_run"]:
            self.stdout.write("试运行：已校验，未写入任何数据。")
        elif result.changes == 0:
            self.stdout.write("没有需要更改的数据：文件内容与系统一致。")
        else:
            self.stdout.write(f"导入完成：新增或更新 {result.changes} 行。")

    def mapping(self, options: dict[str, Any], path: Path, user: User) -> list[SheetMap] | None:
        """The column mappings to read the file through (None: the templates' contract), printed as used."""
        import json

        from qingfeng.core import sheets
        from qingfeng.imports import mapping
        from qingfeng.imports.reader import FileRejected

        if not options["map"]:
            if options["save_map"]:
                raise CommandError("--save-map 须与 --map 一起使用", returncode=2)
            return None
        allowed = [s for s in sheets.all_sheets() if user.sees_discipline or not s.restricted]
        try:
            if options["map"] == "auto":
                maps = mapping.auto(path, user, allowed)
            else:
                try:
                    data = json.loads(Path(options["map"]).read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"无法读取列对应文件 {options['map']}：{exc}", returncode=2) from exc
                maps = mapping.from_file(data, path)
        except FileRejected as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for m in maps:
            for line in m.describe():
                self.stdout.write(line)
        if options["save_map"]:
            Path(options["save_map"]).write_text(
                json.dumps({"sheets": [m.to_json() for m in maps]}, ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(f"列对应已保存到 {options['save_map']}")
        return maps
