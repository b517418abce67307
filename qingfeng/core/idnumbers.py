"""Check characters of 公民身份号码 (GB 11643, ISO 7064 MOD 11-2) and 统一社会信用代码 (GB 32100)."""

from __future__ import annotations

import datetime as dt

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid ID number; the sequence's last digit is odd for men, even for women."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check_char(body)


def id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_gender(value: str) -> str:
    return "男" if int(value[16]) % 2 else "女"


def id_problem(value: str) -> str | None:
    """None when valid, else the reason in Chinese."""
    if "*" in value:  # a masked number (core.masking), e.g. from an export without full numbers
        return "公民身份号码已脱敏（含 *），无法导入：请使用“完整号码”导出的文件"
    if len(value) != 18:
        return f"公民身份号码应为18位，实际为{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "公民身份号码前17位应为数字，末位为数字或X"
    birth = id_birth_date(value)
    if birth is None or birth.year < 1900:
        return "公民身份号码中的出生日期不存在"
    if id_check_char(value[:17]) != value[17]:
        return "公民身份号码校验位错误"
    return None


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def make_credit_code(first17: str) -> str:
    return first17 + credit_check_char(first17)


def credit_problem(value: str) -> str | None:
    if len(value) != 18:
        return f"统一社会信用代码应为18位，实际为{len(value)}位"
    if any(c not in CREDIT_CHARS for c in value):
        return "统一社会信用代码含有不允许的字符"
    if credit_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位错误"
    return None
