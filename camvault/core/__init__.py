"""Pure domain: dataclasses and rules. Imports no I/O library (no av, sqlalchemy, httpx, os file access)."""
