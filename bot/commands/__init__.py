"""Sub-commands of `python -m bot`, one module each (see bot/cli.py)."""
