"""Benchmark: one dues payment recorded on a page — for a member of the demo's `branch` user's branch with no
payment for April 2021 (membership.actions.record_payment: checks, the payment, the member's facts), rolled back
after each run; side by side, alternating, with the facts refreshed whole (the write's models not used to narrow
the refresh): the baseline of the same run. Reports warm medians.

Usage:  DATABASE_URL=postgres://…/qf_city QINGFENG_VAR=… .venv/bin/python bench/dues_write.py [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from ab import alternate, rolled_back  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.indicators import store  # noqa: E402
from qingfeng.membership.actions import record_payment  # noqa: E402
from qingfeng.membership.models import DuesPayment  # noqa: E402
from qingfeng.people.models import Person  # noqa: E402

MONTH = dt.date(2021, 4, 1)


def once(person: Person, whole: bool) -> tuple[float, int]:
    narrow = (lambda ledgers: None) if whole else store.scope_of
    with mock.patch.object(store, "scope_of", narrow):
        return rolled_back(lambda: record_payment(person, MONTH, dt.date(2021, 4, 20), amount_fen=500))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    user = User.objects.get(username="branch")
    paid = DuesPayment.objects.filter(month=MONTH).values("person_id")
    person = Person.objects.filter(org_id=user.org_id, admitted_on__lt=dt.date(2020, 1, 1)).exclude(pk__in=paid).first()
    if person is None:
        print("no member of the branch without a payment for 2021-04")
        return 1
    got = alternate({"now": lambda: once(person, False), "whole": lambda: once(person, True)}, args.runs)
    now, whole = got["now"][0], got["whole"][0]
    print(f"dues payment: now {now:.1f} ms; whole {whole:.1f} ms; now/whole {now / whole:.2f}; load average "
          f"{os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
