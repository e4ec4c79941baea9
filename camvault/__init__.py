"""camvault: a self-hosted video management system (VMS).

Layers (imports point down only): api/<dialect> -> services -> video -> store -> core.
`camvault.app` assembles them; `camvault.cli` is the command line. Nothing runs at import time.
"""

__version__ = "0.1.0"
