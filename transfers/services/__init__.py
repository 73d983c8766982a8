"""Every write of the transfers app: one function per action (entity_verb).

``payments`` receives settlements and reviews held payments, ``reversals``
undoes posted payments, ``wallets`` moves money into and out of wallets;
``checks`` holds the rules they share (a review's are ``core.review``'s).
The row-level entry points take plain keyword arguments (ID numbers, text,
amounts) so that the counter forms and the file imports call them alike, and
each has a read-only ``*_check`` half for an import's preview.
"""
