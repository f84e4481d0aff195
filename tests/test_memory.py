"""Freed page-sized buffers go back to the system (tasks/memory.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In a fresh process: a freed 8 MiB block raises glibc's mmap threshold, so
# that the next buffers come from the heap, where they stay once freed.
PROBE = """
from tasks.memory import release_freed_memory

def rss_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

first = bytearray(8 << 20)
del first
before = rss_kib()
buffers = [bytearray(1 << 20) for _ in range(10)]
del buffers
kept = rss_kib() - before
assert release_freed_memory()
print(kept, rss_kib() - before)
"""


def test_freed_page_buffers_leave_the_process_when_released():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    kept, released = map(int, done.stdout.split())
    assert kept > 4096  # glibc's own behaviour, which the release is for
    assert released < 1024
