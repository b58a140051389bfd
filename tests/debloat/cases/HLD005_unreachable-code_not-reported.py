"""Nothing here is reported: removing the code after the exit would change the function."""
import sys


def empty_generator():
    return
    yield  # the idiom for a generator that yields nothing


def local_by_assignment():
    print(counter)  # noqa: F821 (UnboundLocalError: counter is local)
    return
    counter = 1


def declares_global():
    raise SystemExit(0)
    global STATE


def after_exit_call():
    sys.exit(1)
    print("sys.exit may be patched, so this is not certainly dead")


def after_loop():
    while True:
        pass
    print("loops are not followed")
