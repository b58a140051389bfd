# flags: --select HLS --entry app
"""An entry module that cannot import: the error names this line."""
import json

from app.settings import load

CONFIG = load(json.dumps({}))
