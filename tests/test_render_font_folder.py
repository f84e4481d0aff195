"""WeasyPrint's copy of the report fonts (a temporary folder) goes when the
process that made it exits, even with the renderer frozen in a reference
cycle as in a worker, and not when a process forked from it ends."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tasks.settings import ROOT

PROGRAM = """
import os
from deployments.forkserver import exit_without_teardown
from deployments.warmup import tune_gc
from tasks.render import pdf
renderer = pdf.get_renderer()
folder = renderer.font_config._folder
held = [renderer]
held.append(held)  # a cycle that only the collector could free…
tune_gc()          # …which the warm-up's freeze puts out of its sight
print(folder, flush=True)
pid = os.fork()
if pid == 0:  # a forked run ends as the fork server's children do
    exit_without_teardown(0)
os.waitpid(pid, 0)
print("after child", folder.exists(), flush=True)
"""


def test_the_owner_removes_the_font_folder_at_exit_and_a_forked_child_does_not():
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)
    folder, after_child = result.stdout.splitlines()[:2]
    assert Path(folder).name.startswith("weasyprint-")
    assert after_child == "after child True"
    assert not Path(folder).exists()
