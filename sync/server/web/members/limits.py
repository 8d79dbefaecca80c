"""How often a visitor may ask for sign-in messages, try codes and sign up.

Per client address: a cap on requests, answered with 429 past it. Per member
address: a cap on messages sent, past which the same answer is given but no
message goes out; the links already sent keep working, so a stranger asking
for someone's address from elsewhere fills no inbox and locks no one out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MemberLimits:
    window: int = 15 * 60          # seconds
    per_client: int = 10           # sign-in requests from one client address
    messages_per_address: int = 3  # messages sent to one member address
    codes_per_client: int = 10     # codes typed from one client address
    signups_per_client: int = 5    # sign-ups from one client address
    signup_min_seconds: int = 3    # a person takes longer than this to fill in the form
    signup_max_seconds: int = 3600
