"""Freed page-sized buffers go back to the operating system.

A page's images and arrays (9 MB each at 300 dpi) are allocated and freed
by the dozen while it is read, in the threads that read pages at once.
glibc keeps what they free in its heaps (one per thread, for the next
allocation), where it stays after the page is read and adds up with the
other threads' heaps. Trimming the heaps after each page hands it back:
the flow in a process of its own on a 10-page scan (bench/bench_sync.py)
peaked at 354-362 MiB instead of 379-388 (2026-12-03). Fixing glibc's mmap
threshold at 1 MiB instead (every large block unmapped when freed) saved
more, down to 303 MiB, but cost 0,25 s of CPU on a page's preparation, in
page faults.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def release_freed_memory() -> bool:
    """Hand the memory freed in every heap back to the system; False where
    the C library is not glibc."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
