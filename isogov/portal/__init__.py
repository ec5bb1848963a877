"""The public site: catalogue, dossier lookup, online submission, rating, feedback, transparency.

Every page a citizen or a business sees without logging in lives here (ARCHITECTURE.md); the apps
below give it selectors and services.
"""
