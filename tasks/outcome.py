"""The result of one analysis as the contract returns it (sync body, job result)."""
from __future__ import annotations

import base64
import hashlib


def build_result(analysis: dict, highlights: list[str], non_anonymous: bytes, anonymous: bytes,
                 ids: dict | None = None) -> dict:
    """The sync response body of the contract, ids echoed untouched."""
    ids = ids or {}
    return {
        "non_anonymous_report_base64": base64.b64encode(non_anonymous).decode("ascii"),
        "anonymous_report_base64": base64.b64encode(anonymous).decode("ascii"),
        "highlights": list(highlights),
        "user_id": ids.get("user_id"),
        "invoice_id": ids.get("invoice_id"),
        "external_ref": ids.get("external_ref"),
        "non_anonymous_sha256": hashlib.sha256(non_anonymous).hexdigest(),
        "anonymous_sha256": hashlib.sha256(anonymous).hexdigest(),
        "non_anonymous_size": len(non_anonymous),
        "anonymous_size": len(anonymous),
        "analysis": analysis,
    }
