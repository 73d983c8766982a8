"""What accounts tells the apps above it, which it may not import.

``agreement_ended``: sent by the agreement end services (``agreement_end``,
``agreements_end_for_person``) inside their transaction, once per agreement, with
``agreement`` and ``operator``. Sent with ``send``, not ``send_robust``: a receiver
that fails rolls the end back. The transfers app returns the wallet money
(DOMAIN.md, "When an agreement ends"); a system check refuses to start without a
receiver (``transfers.checks``).
"""

from django.dispatch import Signal

agreement_ended = Signal()
