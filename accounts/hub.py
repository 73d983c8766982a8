"""The person page as a hub: sections that apps above accounts add to it.

accounts may not import the apps above it (the layers of pyproject.toml), yet the
person page shows their records too (payments, the wallet's transfers). Such an
app registers a panel here in its ``ready()``, as transfers connects
``agreement_ended``; the page asks every panel in turn.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    title: str
    html: SafeString


_PANELS: dict[str, Callable] = {}


def person_panel_register(key: str, panel: Callable) -> None:
    """``panel(person, user)`` returns a ``Panel`` or None (nothing for this user)."""
    _PANELS[key] = panel


def person_panels(person, user) -> list[Panel]:
    return [p for p in (panel(person, user) for panel in _PANELS.values()) if p is not None]
