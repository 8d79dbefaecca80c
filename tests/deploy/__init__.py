"""Tests of the Raspberry Pi and server deployment files."""
