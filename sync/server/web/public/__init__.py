"""The public pages: the catalog anyone may read, in English or Spanish, with no login.

``mount_web`` serves them at the server's root (``/``, ``/catalog/...``). Their
templates live in templates/public/; ``public/base.html`` is the frame for
any page meant for borrowers, and ``public.render.public_page`` renders one.
"""
