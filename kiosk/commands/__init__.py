"""The `toolkiosk` subcommands, one module per area.

Every module here defines ``add_commands(subparsers)``; `kiosk.cli` finds them
all, so adding an area means adding a module, nothing else.
"""
