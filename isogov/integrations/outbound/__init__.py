"""Standalone mode: our dossiers and their progress pushed to the portal."""
