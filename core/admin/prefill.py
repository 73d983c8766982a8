"""Counter forms opened from a person's page, the ID number already filled in.

A clerk sees ID numbers masked, so the full number must not be written into the
page. The form shows the masked number; the session keeps which full number it
stands for, and the posted form gets the full number back before it is checked.
A masked number typed by hand that was never offered resolves to nothing and is
refused as an invalid ID number, as before.
"""

from core.masking import mask_id_number

SESSION_KEY = "yibao_prefilled_id_numbers"
KEEP = 20  # the last numbers offered to this session


def prefill_id_number(request, id_number: str) -> str:
    """The value to show in the form for ``id_number``: its masked form, remembered."""
    masked = mask_id_number(id_number)
    offered = dict(request.session.get(SESSION_KEY, {}))
    offered.pop(masked, None)
    offered[masked] = id_number
    request.session[SESSION_KEY] = dict(list(offered.items())[-KEEP:])
    return masked


def prefill_resolve(request, value: str) -> str:
    """The full number a value offered by ``prefill_id_number`` stands for, else the value."""
    return request.session.get(SESSION_KEY, {}).get((value or "").strip(), value)


def prefill_resolve_post(request, fields):
    """A copy of ``request.POST`` with each of ``fields`` resolved (None if no POST)."""
    if request.method != "POST":
        return None
    data = request.POST.copy()
    for field in fields:
        if field in data:
            data[field] = prefill_resolve(request, data[field])
    return data
