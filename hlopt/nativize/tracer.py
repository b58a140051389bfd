"""Record the arguments of one function's calls in a child process (stdlib only).

This file runs inside the user's program: imported by ``hlopt.nativize.sample`` for an
expression, or copied into a ``sitecustomize.py`` for a command (whose interpreter may
not have hlopt installed), so it imports nothing from hlopt. The function is recognised
by its code object (file and qualified name); its arguments are pickled when a call
begins, which is the deep copy. A reservoir (fixed seed) keeps a varied subset, plus the
smallest and the largest calls. At exit each process writes ``<pid>.pkl`` into the
output directory: ``{"calls": [pickled (args, kwargs)], "seen": n, "skipped": k}``.
"""

import atexit
import os
import pickle
import random
import sys
import threading

#: environment of a recording child: a JSON-free spec "file\nqualname\nlimit" and a dir
SPEC_ENV, OUT_ENV = "HLOPT_SAMPLE_SPEC", "HLOPT_SAMPLE_OUT"
PROTOCOL = min(5, pickle.HIGHEST_PROTOCOL)


class Recorder:
    """Keeps up to ``limit`` calls chosen uniformly (reservoir), plus the extremes."""

    def __init__(self, path, qualname, limit, seed=0):
        self.path, self.qualname, self.limit = os.path.realpath(path), qualname, limit
        self.random = random.Random(seed)
        self.matches = {}
        self.reservoir = []  # [(index, pickled)]
        self.smallest = self.largest = None  # (size, index, pickled)
        self.seen = self.skipped = 0

    def is_target(self, code):
        hit = self.matches.get(code)
        if hit is None:
            hit = (code.co_qualname == self.qualname
                   and os.path.realpath(code.co_filename) == self.path)
            self.matches[code] = hit
        return hit

    def profile(self, frame, event, arg):
        if event == "call" and self.is_target(frame.f_code):
            self.add(frame)

    def add(self, frame):
        index = self.seen
        self.seen += 1
        args, kwargs = arguments(frame)
        size = rough_size(args, kwargs)
        keep = index < self.limit or self.random.randrange(index + 1) < self.limit
        extreme = (self.smallest is None or size < self.smallest[0]
                   or size > self.largest[0])
        if not (keep or extreme):
            return
        try:
            data = pickle.dumps((args, kwargs), PROTOCOL)
        except Exception:
            self.skipped += 1
            return
        if keep:
            self.keep(index, data)
        self.extremes(size, index, data)

    def keep(self, index, data):
        if len(self.reservoir) < self.limit:
            self.reservoir.append((index, data))
        else:
            self.reservoir[self.random.randrange(self.limit)] = (index, data)

    def extremes(self, size, index, data):
        if self.smallest is None or size < self.smallest[0]:
            self.smallest = (size, index, data)
        if self.largest is None or size > self.largest[0]:
            self.largest = (size, index, data)

    def result(self):
        """The kept calls in call order, without duplicates."""
        chosen = dict(self.reservoir)
        for extreme in (self.smallest, self.largest):
            if extreme is not None:
                chosen[extreme[1]] = extreme[2]
        calls = [chosen[i] for i in sorted(chosen)]
        return {"calls": calls, "seen": self.seen, "skipped": self.skipped}


def arguments(frame):
    """The call's arguments by parameter: positional ones (and *args), keyword-only ones."""
    code, values = frame.f_code, frame.f_locals
    names = code.co_varnames
    n_pos, n_kw = code.co_argcount, code.co_kwonlyargcount
    args = tuple(values[n] for n in names[:n_pos])
    kwargs = {n: values[n] for n in names[n_pos:n_pos + n_kw]}
    at = n_pos + n_kw
    if code.co_flags & 0x04:  # CO_VARARGS
        args += tuple(values[names[at]])
        at += 1
    if code.co_flags & 0x08:  # CO_VARKEYWORDS
        kwargs.update(values[names[at]])
    return args, kwargs


def rough_size(args, kwargs):
    """A cheap measure of a call's size: the lengths of its sized arguments."""
    total = 0
    for value in (*args, *kwargs.values()):
        try:
            total += len(value)
        except Exception:
            total += 1
    return total


def install(path, qualname, limit, out_dir):
    """Start recording in this process (all threads); write the result at exit."""
    recorder = Recorder(path, qualname, limit)
    sys.setprofile(recorder.profile)
    threading.setprofile(recorder.profile)
    atexit.register(write, recorder, out_dir)
    return recorder


def write(recorder, out_dir):
    sys.setprofile(None)
    target = os.path.join(out_dir, f"{os.getpid()}.pkl")
    with open(target + ".tmp", "wb") as f:
        pickle.dump(recorder.result(), f, PROTOCOL)
    os.replace(target + ".tmp", target)


def stop_on_sigterm():
    """A terminated run still writes what it recorded (atexit runs on SystemExit)."""
    import signal

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))


def autostart():
    """Install from the environment (the sitecustomize of a recorded command)."""
    spec, out_dir = os.environ.get(SPEC_ENV), os.environ.get(OUT_ENV)
    if not spec or not out_dir:
        return
    path, qualname, limit = spec.split("\n")
    install(path, qualname, int(limit), out_dir)
    stop_on_sigterm()
