"""Rules of the HLN family: why ``hlopt nativize`` refused, failed or did not install."""

from __future__ import annotations

from hlopt.core.rules import Rule, register
from hlopt.profile.rules import _doc

_REFS = "- docs/nativize.md"
_NO_FIX = ("There is no automatic fix: nativize never installs code it could not prove "
           "behaves the same, and leaves the module untouched.")

REFUSED_CONSTRUCT = Rule(
    code="HLN001", name="uncompilable-construct", command="nativize",
    summary="Function uses a construct nativize cannot compile with the same meaning",
    doc=_doc(
        """
        Reports the line of a construct that a compiled function could not reproduce
        exactly: generators and coroutines, `eval`/`exec`, `locals()`/`vars()`/`globals()`,
        `global` or `nonlocal` writes, frame inspection (`sys._getframe`, `inspect`), and
        other constructs the backend does not support. Nativize stops at this target.
        """,
        """
        A native version that behaves differently is worse than a slow one: nativize's
        contract is Python's semantics, so it refuses rather than guess.
        """,
        """
        def parse(lines):
            for line in lines:        # HLN001: a generator (yield) is not compiled
                yield line.split("=")
        """,
        """
        Move the hot loop into a plain function that returns a value, and nativize that:

        ```python
        def parse_all(lines):
            out = []
            for line in lines:
                out.append(line.split("="))
            return out
        ```
        """,
        _NO_FIX, _REFS),
)
REFUSED_DEPENDENCY = Rule(
    code="HLN002", name="unreachable-dependency", command="nativize",
    summary="Function depends on a global, closure or decorator nativize cannot reach",
    doc=_doc(
        """
        Reports a name the function needs that the native module could not see with the
        same meaning: a module global the module reassigns elsewhere (monkeypatched), a
        closure variable, a decorator other than `staticmethod` or a `functools` cache,
        or a helper that is itself refused.
        """,
        """
        A native function binds its dependencies when it is built or imported; a global
        that changes later would be read stale, and an unknown decorator may change
        what the function does.
        """,
        """
        SCALE = 1.0

        def configure(x):
            global SCALE
            SCALE = x                 # SCALE is reassigned: not a constant

        def scaled(xs):               # HLN002: reads SCALE
            return [x * SCALE for x in xs]
        """,
        "Pass the value as an argument (`scaled(xs, scale)`), or keep it a true constant.",
        _NO_FIX, _REFS),
)
UNTYPED = Rule(
    code="HLN003", name="untyped-parameter", command="nativize",
    summary="No type evidence for a parameter: it stays a Python object",
    doc=_doc(
        """
        Reports a parameter for which there is no annotation, no recorded call and no
        local inference, so the native code keeps it as a Python object (correct, but
        slow where the function loops over it).
        """,
        """
        Speed comes from C types; an untyped argument makes every operation on it go
        through the Python object protocol, as in CPython.
        """,
        """
        def total(xs):                # HLN003: nothing says what xs holds
            s = 0.0
            for x in xs:
                s += x
            return s
        """,
        """
        Give evidence: an annotation (`def total(xs: list[float]) -> float`), or sample
        real calls with `--sample 'total([1.0, 2.0])'` or `--sample-command 'pytest -q'`.
        """,
        "Information only; the function is still compiled, and verified, as it is.",
        _REFS),
)
BUILD_FAILED = Rule(
    code="HLN004", name="native-build-failed", command="nativize",
    summary="The compiler rejected the generated source",
    doc=_doc(
        """
        Reports that Cython or the C compiler failed on the generated source, with the
        compiler's own message. Nothing is installed and the module is left untouched.
        """,
        """
        A build failure is a limit of the generator (a construct it translated wrongly)
        or of the toolchain; the message says which.
        """,
        """
        hlopt nativize app.py:kernel
        app.py:12: HLN004 Cython rejected the generated source of _hlopt_app_kernel:
          _hlopt_app_kernel.py:14:8: Cannot convert 'str' to 'double'
        """,
        """
        Read the compiler's message; `--compiler zig` tries another C compiler. If the
        generated source is at fault, report it with the message.
        """,
        _NO_FIX, _REFS),
)
MISMATCH = Rule(
    code="HLN010", name="native-behaviour-differs", command="nativize",
    summary="The native function behaved differently from Python on an input",
    doc=_doc(
        """
        Reports an input, from the recorded calls or generated from the inferred types,
        on which the native function returned a different value, raised a different
        exception or mutated its arguments differently. The input is printed so the
        difference can be reproduced. Nothing is installed.
        """,
        """
        Installing it would silently change the program's results.
        """,
        """
        HLN010 checksum([4294967296]): python returned 4294967296, native returned 0
        """,
        """
        Report the input; meanwhile keep the Python function. `--fast-math` builds are
        expected to differ on floats: do not use it where results must be bit for bit.
        """,
        _NO_FIX, _REFS),
)
NOT_FASTER = Rule(
    code="HLN011", name="native-not-faster", command="nativize",
    summary="The native function measured no faster than Python: not installed",
    doc=_doc(
        """
        Reports a function whose native version was not significantly faster than the
        Python one in interleaved rounds (the confidence interval of the speed-up
        includes 1, or lies below it). It is not installed.
        """,
        """
        A native extension costs a build step and a binary to ship; without a speed-up
        it is all cost. Functions whose time is spent in C already (`re`, `json`,
        `sum` on a list) or on converting large arguments gain nothing.
        """,
        """
        def join_words(words):        # the time is in str.join, already C
            return " ".join(words)
        """,
        "Leave the function in Python; look at the next hot function of the profile.",
        _NO_FIX, _REFS),
)
STALE = Rule(
    code="HLN020", name="stale-native-extension", command="nativize",
    summary="An installed extension no longer matches its Python source",
    doc=_doc(
        """
        `hlopt nativize --check PATHS` compares the source hash stamped in each installed
        extension's generated source (`native/_hlopt_*.py`, `__hlopt__['source_hash']`)
        with the hash of the function's current Python source, helpers and constants.
        """,
        """
        After the Python function changes, the extension still runs the old code: the
        program silently computes the old results.
        """,
        """
        $ hlopt nativize --check app/
        app/stats.py:14: HLN020 the native `mean` no longer matches its Python source
        """,
        "Run `hlopt nativize app/stats.py:mean --apply` again (it rebuilds, verifies and "
        "replaces the extension), or `--revert` it.",
        "Information for CI: `--check` writes nothing and exits 1 while an extension is "
        "stale.", _REFS),
)
NOT_IN_BUILD = Rule(
    code="HLN021", name="extension-not-in-build", command="nativize",
    summary="The project's build backend was not changed to ship the extension",
    doc=_doc(
        """
        Reports, after `--apply`, a project whose build backend is not setuptools
        (hatchling, flit, poetry, pdm, maturin, meson-python): hlopt does not edit those
        builds, and the finding's fix gives the extension to add.
        """,
        """
        Without it the wheel ships only the Python function: correct, thanks to the
        shim's fallback, but not faster.
        """,
        """
        [build-system]
        build-backend = "hatchling.build"     # HLN021: hlopt does not edit it
        """,
        """
        Add the extension named in the finding to the build (the C file in `native/`
        needs no Cython), or move the build to setuptools, where `--apply` does it.
        """,
        "Display only: the snippet is shown, never applied.", _REFS),
)

register(REFUSED_CONSTRUCT, REFUSED_DEPENDENCY, UNTYPED, BUILD_FAILED, MISMATCH,
         NOT_FASTER, STALE, NOT_IN_BUILD)
