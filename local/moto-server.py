"""Starts moto in server mode, with one speed fix for the local runtime.

moto delivers each EventBridge event to a target through its input-template code, which
parses eight JSONPath expressions per event with a parser whose tables are rebuilt on every
call (about 50 ms each): ~0.4 s per event per rule. The expressions are always the same few,
so caching the parse makes fan-out ~100x faster. It changes no behaviour: parsed expressions
are immutable. Without jsonpath_ng (another moto version) it starts moto as it is.
moto_speedups.py holds the other fixes the local runtime's throughput needed.
"""

import functools
import sys

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
