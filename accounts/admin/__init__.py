"""Admin screens of the accounts app, one module per area."""

from . import agreements, halls, ledger, people, regions  # noqa: F401  (registers the ModelAdmins)
