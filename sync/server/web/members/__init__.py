"""The members' own pages under /member: sign-in without passwords, their page, card and sign-up.

Phone first, English and Spanish, no scripts, the same CSP and CSRF as the
coordinators' pages. What a member does becomes events the server writes for
their library, which kiosks receive at their next sync.
"""
