"""Tool Library Kiosk: an offline-first checkout kiosk for community tool libraries."""

__version__ = "0.1.0"
