"""irtui: a keyboard-first terminal war room for running a live incident.

Kept free of imports on purpose: `irtui log` must start fast.
"""

__version__ = "0.1.0"
