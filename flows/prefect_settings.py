"""Values derived from Prefect's current settings, made once per settings
object rather than at every call: a settings object is immutable, and a new
one is current only when the settings change (a temporary override, a run's
own environment read again)."""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from prefect.settings import Settings, get_current_settings

T = TypeVar("T")


def once_per_settings(build: Callable[[Settings], T]) -> Callable[[], T]:
    """`build(settings)` for the current settings, built again only when
    another settings object is current (the last one is kept)."""
    last: list = [None, None]  # the settings it was built from, what it built
    lock = threading.Lock()

    @functools.wraps(build)
    def current() -> T:
        settings = get_current_settings()
        with lock:
            if last[0] is not settings:
                last[:] = [settings, build(settings)]
            return last[1]

    return current
