"""Signed webhooks for other consumers (docs/webhooks.md).

Dossier events are read past a cursor by a periodic task (the dossiers app knows nothing of
webhooks), turned into one delivery per matching subscription, and sent through the outbox
(``notifications``), which retries; each attempt is logged here.
"""
