"""Container health check: GET /health with the first API key (stdlib only)."""
from __future__ import annotations

import sys
import urllib.request

from tasks.settings import get_settings


def main() -> int:
    settings = get_settings()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    request = urllib.request.Request(f"http://{host}:{settings.port}/health",
                                     headers={"X-API-Key": settings.api_keys[0] if settings.api_keys else ""})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
