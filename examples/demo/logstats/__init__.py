"""logstats: parse access-log lines and report latency statistics per endpoint."""
