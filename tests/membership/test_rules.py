"""The lifecycle's time rules at their boundaries: calendar months, month ends, leap years."""

import datetime as dt

import pytest

from qingfeng.membership import rules

D = dt.date


@pytest.mark.parametrize("birth, applied, ok", [
    (D(2006, 3, 10), D(2024, 3, 10), True),    # the 18th birthday itself
    (D(2006, 3, 10), D(2024, 3, 9), False),    # one day short
    (D(2004, 2, 29), D(2022, 2, 28), True),    # a 29 February birthday falls on 28 February
    (D(2004, 2, 29), D(2022, 2, 27), False),
])
def test_applicant_must_be_eighteen(birth, applied, ok):
    assert (rules.age_problem(birth, applied) is None) is ok


@pytest.mark.parametrize("applied, talked, ok", [
    (D(2024, 3, 15), D(2024, 4, 15), True),    # exactly one month
    (D(2024, 3, 15), D(2024, 4, 16), False),   # one day late
    (D(2024, 1, 31), D(2024, 2, 29), True),    # month end, leap year: the deadline clamps to 29 Feb
    (D(2023, 1, 31), D(2023, 3, 1), False),    # not a leap year: the deadline is 28 Feb
    (D(2024, 3, 15), D(2024, 3, 14), False),   # before the application
])
def test_talk_within_one_calendar_month(applied, talked, ok):
    assert (rules.talk_problem(applied, talked) is None) is ok


@pytest.mark.parametrize("activist, candidate, ok", [
    (D(2023, 6, 1), D(2024, 6, 1), True),      # exactly one year
    (D(2023, 6, 1), D(2024, 5, 31), False),    # one day short
    (D(2020, 2, 29), D(2021, 2, 28), True),    # leap day: its anniversary is 28 February
    (D(2020, 2, 29), D(2021, 2, 27), False),
])
def test_one_year_as_activist(activist, candidate, ok):
    assert (rules.candidate_problem(activist, candidate) is None) is ok


@pytest.mark.parametrize("days, hours, ok", [(3, None, True), (2, None, False), (None, 24, True), (2, 23, False)])
def test_short_training_three_days_or_24_hours(days, hours, ok):
    assert (rules.training_problem(days, hours) is None) is ok


@pytest.mark.parametrize("due, present, yes, ok", [
    (10, 6, 6, True),
    (10, 5, 5, False),   # exactly half present: the meeting is not quorate
    (10, 9, 5, False),   # exactly half of those due voted yes: not passed
    (9, 5, 5, True),
    (10, 11, 6, False),  # more present than due
])
def test_branch_vote_majorities_of_members_due(due, present, yes, ok):
    assert (rules.vote_problem(due, present, yes) is None) is ok


@pytest.mark.parametrize("vote, approved, ok", [
    (D(2024, 1, 10), D(2024, 4, 10), True),
    (D(2024, 1, 10), D(2024, 4, 11), False),
    (D(2023, 11, 30), D(2024, 2, 29), True),   # month end clamps to the leap day
    (D(2023, 11, 30), D(2024, 3, 1), False),
])
def test_approval_within_three_months(vote, approved, ok):
    assert (rules.approval_problem(vote, approved) is None) is ok


def test_probation_is_one_year_from_the_vote_and_extends_once_by_six_to_twelve_months():
    assert rules.probation_end(D(2024, 2, 29)) == D(2025, 2, 28)
    assert rules.probation_end(D(2024, 5, 20), 6) == D(2025, 11, 20)
    assert rules.extension_problem(6, False) is None
    assert rules.extension_problem(12, False) is None
    assert rules.extension_problem(5, False) is not None
    assert rules.extension_problem(13, False) is not None
    assert rules.extension_problem(6, True) is not None


def test_full_membership_vote_not_before_probation_ends_and_approval_within_three_months():
    ends = D(2025, 5, 20)
    assert rules.full_vote_problem(ends, D(2025, 5, 19)) is not None
    assert rules.full_vote_problem(ends, D(2025, 5, 20)) is None
    assert rules.full_approval_problem(ends, D(2025, 5, 20), D(2025, 8, 20)) is None
    assert rules.full_approval_problem(ends, D(2025, 5, 20), D(2025, 8, 21)) is not None


@pytest.mark.parametrize("kind, income, fen", [
    ("salary", 3000, 1500),      # 0.5% up to and including 3000
    ("salary", 3001, 3001),      # 1% above
    ("salary", 5000, 5000),
    ("salary", 8000, 12000),     # 1.5%
    ("salary", 10000, 15000),
    ("salary", 12000, 24000),    # 2%
    ("retired", 5000, 2500),
    ("retired", 6000, 6000),
    ("student", 0, 20),
    ("farmer", 50, 50),
    ("farmer", 500, 100),        # capped at 1 yuan
    ("salary", 3333, 3333),
    ("salary", 2999, 1500),      # 14.995 yuan rounds half up to 15.00
])
def test_monthly_dues_by_income_band(kind, income, fen):
    assert rules.monthly_dues_fen(kind, income) == fen
