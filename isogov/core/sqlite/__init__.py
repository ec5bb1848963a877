"""SQLite database backend: Django's, with writers queued on a file lock (``base.py``)."""
