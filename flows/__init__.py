"""Prefect flows: they compose the stages of `tasks/` and nothing else.

Importing them makes this process's Prefect clients share one TLS context
(flows/prefect_tls.py) and skip the round trips whose answers they already
have (flows/prefect_roundtrips.py), deployment runs start no suspension
observer (flows/prefect_suspension.py), and runs send their first heartbeat
one interval in and end without waiting for their heartbeat thread
(flows/prefect_heartbeats.py)."""
from flows.prefect_heartbeats import lighten_heartbeats
from flows.prefect_roundtrips import skip_known_roundtrips
from flows.prefect_suspension import skip_suspension_observer
from flows.prefect_tls import share_tls_context

share_tls_context()
skip_known_roundtrips()
skip_suspension_observer()
lighten_heartbeats()
