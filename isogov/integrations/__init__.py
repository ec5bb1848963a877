"""The provincial one-stop system and the National Public Service Portal: dossiers and progress
out, an existing system's dossiers in, signed webhooks, and API keys for machine clients."""
