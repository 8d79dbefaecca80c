"""Sync between kiosks and the shared server."""
