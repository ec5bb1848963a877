"""Every write of the QMS, split by part of the standard."""
