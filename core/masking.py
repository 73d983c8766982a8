"""The one masking scheme for personal information (DOMAIN.md, PIPL art. 28).

Applied on the server, in lists, exports and printed documents alike.
"""


def mask_id_number(number: str) -> str:
    """First 6 and last 4 characters kept: 110101********1234."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else number


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile; a landline keeps its last 4 digits."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_name(name: str) -> str:
    """The family name kept, the given name masked: 李*、欧阳**."""
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)
