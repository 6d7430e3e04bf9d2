"""Starts moto in server mode for the local runtime: it dies with its parent, and one speed fix.

Dies with its parent: `hookbridge dev` killed with SIGKILL cannot stop its moto, which would
otherwise run (and hold its port and memory) forever. On Linux the kernel sends SIGTERM when
the parent dies (prctl PR_SET_PDEATHSIG); everywhere, a watchdog thread exits once the parent
pid named in HOOKBRIDGE_PARENT_PID is no longer our parent (re-parented to init or a
subreaper), which also covers a parent that died before prctl ran.

Speed: moto delivers each EventBridge event to a target through its input-template code, which
parses eight JSONPath expressions per event with a parser whose tables are rebuilt on every
call (about 50 ms each): ~0.4 s per event per rule. The expressions are always the same few,
so caching the parse makes fan-out ~100x faster. It changes no behaviour: parsed expressions
are immutable. Without jsonpath_ng (another moto version) it starts moto as it is.
moto_speedups.py holds the other fixes the local runtime's throughput needed.
"""

import functools
import os
import signal
import sys
import threading
import time


def die_with_parent():
    expected = os.environ.get("HOOKBRIDGE_PARENT_PID")
    if not expected or not expected.isdigit():
        return
    parent = int(expected)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass

    def watch():
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


die_with_parent()

try:
    import jsonpath_ng.ext

    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=512)(jsonpath_ng.ext.parse)
except ImportError:  # pragma: no cover - depends on the installed moto
    pass

import moto_speedups  # beside this file; further fixes, explained there

moto_speedups.apply()

from moto.server import main

if __name__ == "__main__":
    main(sys.argv[1:])
