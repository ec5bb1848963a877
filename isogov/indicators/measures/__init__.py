"""Every group of measures; importing this package registers them in order."""

from . import circular01, digitisation, online, progress, publicity, satisfaction, steps

__all__ = ["circular01", "digitisation", "online", "progress", "publicity", "satisfaction", "steps"]
