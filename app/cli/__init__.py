"""The ``advisor`` command."""
