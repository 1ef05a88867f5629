"""Run one part of a build in a process of its own while the rest goes on: the beredskab's PDFs and the cards are
made beside the handbook, each with its own interpreter (Python's threads share one), on as many cores as there are.

The child is forked, so it shares the validated data set as it is in memory (it never reads the data
folder again). It dies with its parent (a killed build leaves no process writing into its folder), it
ignores Ctrl+C (the parent stops it), and it hands back its result or its exception through a pipe.
Where forking is not safe (another thread is running, or no `fork` on this system) the work simply runs
in this process when its result is asked for.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .faults import SystemFault, sentence

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Within the block, what this process has made so far is left out of garbage collection (`gc.freeze`): a
    forked child's collections would otherwise walk, and so copy, every page of the heap it shares with its
    parent, and the parent's own would walk every module it imported. Collected as before after the block."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def shared_event() -> Any:
    """An event the processes `in_background` forks can set and this one wait for. A threading.Event where nothing
    is forked, or where the system has no shared semaphores (no usable /dev/shm): the children's sets are then
    their own, and whoever waits learns only what this process sets itself."""
    if "fork" in multiprocessing.get_all_start_methods():
        try:
            return multiprocessing.get_context("fork").Event()
        except (OSError, ImportError):  # sem_open refused
            pass
    return threading.Event()


@contextmanager
def in_background(work: Callable[..., Any], *args: Any, niceness: int = 0) -> Iterator[Callable[[], Any]]:
    """Start `work(*args)` in a child process; the block calls the yielded function to get its result.

    The result function waits for the child and returns what `work` returned, or raises what it raised.
    Leaving the block stops a child that is still running (after an error, or Ctrl+C), so the caller
    can remove what it was writing into without racing it. `niceness` lowers the child's priority (and its
    programs'), for a part that has time to spare while another is the one everything waits for; never this
    process's own, where the work runs here.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: work(*args)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, os.getpid(), work, args, niceness), daemon=True)
    child.start()
    sender.close()

    def result() -> Any:
        try:
            ok, value = receiver.recv()
        except EOFError:  # the child died without an answer: killed, out of memory or crashed
            child.join()
            raise SystemFault("Den proces, der lavede en del af byggeriet (beredskabets PDF'er eller handlekortene), "
                              f"stoppede uventet (kode {child.exitcode}). Prøv igen; sker det igen, så tjek, om computeren mangler hukommelse.") from None
        if ok:
            return value
        raise value

    try:
        yield result
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


def _child(sender, parent: int, work: Callable[..., Any], args: tuple, niceness: int = 0) -> None:
    """The child's whole life: die with the parent, leave Ctrl+C to it, send back one answer."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)
    try:
        answer = (True, work(*args))
    except BaseException as exc:  # handed to the parent, which decides what it means
        answer = (False, exc)
    try:
        sender.send(answer)
    except Exception:  # the exception could not be pickled: send its sentence instead
        exc = answer[1]
        sender.send((False, SystemFault(sentence(exc)) if isinstance(exc, (OSError, SystemFault))
                     else RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()
