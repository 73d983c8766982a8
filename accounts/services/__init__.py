"""Every write of the accounts app: one function per action (entity_verb).

``ledger`` posts to balances; ``people`` registers and changes insured persons
and their accounts. Callers pass the operator explicitly.
"""
