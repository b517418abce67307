from django import template

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Amounts are kept in fen (1/100 yuan); shown in yuan with two decimals."""
    fen = int(fen or 0)
    return f"{fen // 100}.{fen % 100:02d}"
