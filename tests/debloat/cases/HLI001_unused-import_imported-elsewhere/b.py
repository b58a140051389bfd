from a import AF_INET, sys
import a


def connect():
    return AF_INET, sys.argv, a._get_ident, "a.SOCK_STREAM"
