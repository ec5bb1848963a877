"""A fake national portal for tests, demos and development (``isogov fake-portal``)."""
