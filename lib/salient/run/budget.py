"""A wall-clock time budget per article, so one pathological file cannot stall a corpus.

Extraction is linear in the text (benchmarks/pathological.py), but a 5 MB page or a parser's bad
day can still take long; a scheduled rerun must finish. `within_budget` runs one article's work
under an interval timer (SIGALRM): when the budget runs out the work is interrupted and the
caller records the article as skipped, with `overrun_reason` as the ingest reason.

Why a signal and not a killable process per article: the work is pure Python and regular
expressions (which check for signals while matching), so an alarm interrupts it within
milliseconds; it costs nothing per article and works the same in the main process (one job),
in each worker of a process pool (tasks run on a worker's main thread) and in a notebook kernel.
Signals only reach a main thread, so elsewhere (a Dask worker's task thread) the work runs in a
forked child process that is killed when the budget runs out; where a child cannot be started
either (a daemonic process), the work runs without a limit.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

DEFAULT_ARTICLE_BUDGET_S = 5.0  # normal articles take well under a second (see the benchmark)
BUDGET_ENV = "SALIENT_ARTICLE_BUDGET_S"  # set by `salient run --article-budget` for the kernels
REPEAT_S = 0.25  # after the budget, the alarm repeats this often until the work has stopped

T = TypeVar("T")


class BudgetExceeded(BaseException):
    """Raised inside the timed work when its budget runs out. A BaseException, like
    KeyboardInterrupt, so that `except Exception` in the work (or a library) cannot swallow it."""


def article_budget(value: float | None = None) -> float:
    """The per-article budget in seconds: `value` if given, else $SALIENT_ARTICLE_BUDGET_S, else
    the default. 0 turns the budget off.

    >>> article_budget(2.5), article_budget(0)
    (2.5, 0.0)
    """
    if value is None:
        value = float(os.environ.get(BUDGET_ENV) or DEFAULT_ARTICLE_BUDGET_S)
    if value < 0:
        raise ValueError(f"the article budget must be 0 (off) or a number of seconds; got {value}")
    return float(value)


def overrun_reason(budget_s: float) -> str:
    """The ingest reason of an article that ran out of time.

    >>> overrun_reason(5.0)
    'extraction exceeded 5 s'
    """
    return f"extraction exceeded {budget_s:g} s"


def can_enforce() -> bool:
    """Whether this thread can time work: interval timers exist and this is the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def within_budget(work: Callable[[], T], budget_s: float) -> T | None:
    """`work()`, or None when it ran longer than `budget_s` seconds (0: no limit).

    Off a main thread the work runs in a forked child process (see the module docstring).
    """
    if not budget_s:
        return work()
    if not can_enforce():
        return _in_child(work, budget_s)
    timing = sys._getframe()

    def overrun(signum: int, frame: FrameType | None) -> None:
        # Raise only inside the work (a frame below this one), never in this function's own
        # set-up or clean-up, so the exception cannot escape. The alarm repeats: an exception
        # swallowed where Python ignores them (a __del__, a callback) is raised again.
        inner = frame
        while inner is not None and inner is not timing:
            inner = inner.f_back
        if inner is timing and frame is not timing:
            raise BudgetExceeded

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, budget_s, REPEAT_S)
    try:
        result = work()
    except BudgetExceeded:
        result = None
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)
    return result


def _in_child(work: Callable[[], T], budget_s: float) -> T | None:
    """`work()` in a forked child process, killed after `budget_s` seconds (None then)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    try:
        child = context.Process(target=_send_result, args=(work, sender))
        child.start()
    except AssertionError:  # "daemonic processes are not allowed to have children"
        return work()
    sender.close()
    try:
        if not receiver.poll(budget_s):
            child.kill()
            return None
        ok, value = receiver.recv()
    finally:
        child.join()
        receiver.close()
    if not ok:
        raise RuntimeError(f"the timed work failed in its child process: {value}")
    return value


def _send_result(work: Callable[[], T], sender) -> None:
    try:
        sender.send((True, work()))
    except BaseException as error:  # reported to the parent, which raises
        sender.send((False, repr(error)))
    finally:
        sender.close()
