"""Personal data is masked wherever it is listed (PIPL): 140105********1234."""


def mask_id(value: str) -> str:
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"
