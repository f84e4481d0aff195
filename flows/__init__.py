"""Prefect flows: they compose the stages of `tasks/` and nothing else.

Importing them makes this process's Prefect clients share one TLS context
(flows/prefect_tls.py)."""
from flows.prefect_tls import share_tls_context

share_tls_context()
