# flags: --select HLI
import os
import sys
from json import dumps
import os  # expect: HLI002
from json import dumps  # expect: HLI002


def f():
    import re
    import re  # expect: HLI002
    return re.escape(os.sep + sys.prefix + dumps(1))


if sys.platform == "linux":
    import os  # not the same block: not a duplicate
# output
# flags: --select HLI
import os
import sys
from json import dumps


def f():
    import re
    return re.escape(os.sep + sys.prefix + dumps(1))


if sys.platform == "linux":
    import os  # not the same block: not a duplicate
