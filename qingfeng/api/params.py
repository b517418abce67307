"""Parameters shared by the routes (defined in qingfeng.core.api, where a register's own routes reach them too)."""

from qingfeng.core.api import MAX_PAGE_SIZE, Day, PageIn, page_schema, paginate

__all__ = ["MAX_PAGE_SIZE", "Day", "PageIn", "page_schema", "paginate"]
