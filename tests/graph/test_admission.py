"""The admission gate: a fixed number of slots refused at once when full (Busy), and a per-client budget
of evaluation seconds per minute (BudgetSpent), each with how long to wait."""

from __future__ import annotations

import pytest

from graph import admission
from graph.admission import BudgetSpent, Busy, Gate


def test_a_full_gate_refuses_at_once_and_frees_its_slots():
    gate = Gate(2, retry_after=3)
    with gate.admit("a"), gate.admit("b"):
        with pytest.raises(Busy) as refused:
            with gate.admit("c"):
                pass
        assert refused.value.retry_after == 3
    with gate.admit("c"):  # the slots came back, an exception inside included
        pass
    with pytest.raises(ZeroDivisionError):
        with gate.admit("a"), gate.admit("b"):
            1 / 0
    with gate.admit("a"), gate.admit("b"):
        pass


def test_the_budget_is_per_client_and_counts_what_was_used():
    gate = Gate(4, budget=10)
    with gate.admit("a") as ticket:
        ticket.charge(6)
    with gate.admit("a") as ticket:  # 6 < 10: still admitted
        ticket.charge(5)
    assert gate.spent("a") == 11
    with pytest.raises(BudgetSpent) as refused:
        with gate.admit("a"):
            pass
    assert 1 <= refused.value.retry_after <= admission.WINDOW
    with gate.admit("b") as ticket:  # another client is not charged for a's queries
        ticket.charge(1)
    assert gate.spent("b") == 1


def test_a_failed_or_stopped_query_is_charged_too():
    gate = Gate(1, budget=5)
    with pytest.raises(TimeoutError):
        with gate.admit("a") as ticket:
            ticket.charge(5)
            raise TimeoutError
    with pytest.raises(BudgetSpent):
        with gate.admit("a"):
            pass


def test_spent_seconds_leave_the_window(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(admission.time, "monotonic", lambda: now[0])
    gate = Gate(1, budget=5)
    with gate.admit("a") as ticket:
        ticket.charge(3)
    now[0] += 30
    with gate.admit("a") as ticket:
        ticket.charge(3)
    with pytest.raises(BudgetSpent) as refused:
        with gate.admit("a"):
            pass
    assert refused.value.retry_after == 30  # when the first charge leaves the minute
    now[0] += 30
    with gate.admit("a"):
        pass


def test_clients_are_forgotten_beyond_a_bound(monkeypatch):
    monkeypatch.setattr(admission, "MAX_CLIENTS", 3)
    gate = Gate(1, budget=1)
    for name in "abcd":
        with gate.admit(name) as ticket:
            ticket.charge(1)
    assert gate.spent("a") == 0 and gate.spent("d") == 1
