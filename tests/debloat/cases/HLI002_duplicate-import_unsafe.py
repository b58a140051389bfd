# flags: --select HLI
"""Code between two imports may unload or reload the module: reported, not fixed by --fix."""
import sys
import importlib
sys.modules.pop("json", None)
import sys  # expect: HLI002


def f():
    import json
    importlib.reload(json)
    import json  # expect: HLI002
    return json.dumps(sys.argv)
