"""An application: with an entry point, public names are reported too."""
