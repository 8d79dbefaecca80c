"""A kiosk that checks tools out and in as fast as it can, saying "done" after each.

Run as a process by test_crash.py, which kills it with SIGKILL at random moments.
"""

import sys

from kiosk.ledger import Ledger, Refused


def main(home: str, tools: int, members: int) -> None:
    ledger = Ledger.open(home)
    n = 0
    while True:
        tool, member = f"T{n % tools}", f"M{n % members}"
        try:
            if ledger.tool(tool)["status"] == "on_loan":
                ledger.checkin(tool)
                print(f"returned {tool}", flush=True)
            else:
                [loan] = ledger.checkout(member, [tool])
                print(f"done {loan['id']}", flush=True)
        except Refused:
            pass
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
