"""Processes and signals of an ``add``: no process it starts outlives it, and
a first Ctrl-C stops it gracefully."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from types import FrameType, TracebackType


def die_with_parent() -> None:
    """A worker, or the writer's forked copy (segments.py), must not outlive
    a killed ``add``: Linux kills it with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before that took effect
        os._exit(1)


class GracefulStop:
    """Within ``with GracefulStop() as stop``: a first SIGINT (Ctrl-C) only
    sets ``stop.requested``, for the add to stop taking files and commit what
    it has; a second raises KeyboardInterrupt at once, as Python's own
    handler does. Only the main thread can take signals, and only a process
    that has not set a handler of its own gets this one: elsewhere
    ``requested`` stays False and Ctrl-C acts as it did."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: object = None

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self._previous = signal.signal(signal.SIGINT, self._first)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def _first(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the second interrupts
