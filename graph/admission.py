"""Admission control for query evaluation, like the Wikidata Query Service: refuse at once rather than queue
without bound.

A :class:`Gate` has a fixed number of slots (the pool's workers plus its queue). A request either takes a
slot at once or is refused with :class:`Busy` (503, ``Retry-After``); so query requests can never hold
more than ``slots`` server threads, and every other page keeps its threads. Each client (an address, see
the web app) also has a budget of evaluation seconds per sliding minute: once it is spent the client gets
:class:`BudgetSpent` (429, ``Retry-After``) until enough of its past minute has gone by. A query is
charged the seconds it really used, a stopped (timed-out) one included.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from contextlib import contextmanager
from typing import Iterator

from graph.errors import DanvanError

WINDOW = 60.0  # seconds: the budget is "seconds of evaluation per minute"
MAX_CLIENTS = 10_000  # clients remembered; the least recently seen are forgotten first


class Refusal(DanvanError):
    """Evaluation was refused before it started; ``retry_after`` is whole seconds to wait."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)


class Busy(Refusal):
    """Every worker is busy and the queue is full (503)."""


class BudgetSpent(Refusal):
    """This client used its query seconds for the last minute (429)."""


class Ticket:
    """What one admitted request used, charged to its client when it leaves the gate."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def charge(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)


class Gate:
    def __init__(self, slots: int, budget: float | None = None, retry_after: float = 1.0):
        """``slots`` concurrent requests (running or waiting for a worker); ``budget`` seconds of
        evaluation per client per minute (None: no budget); ``retry_after`` is what a busy answer says."""
        self.slots = slots
        self.budget = budget
        self.retry_after = retry_after
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._spent: OrderedDict[str, deque[tuple[float, float]]] = OrderedDict()

    @contextmanager
    def admit(self, client: str | None) -> Iterator[Ticket]:
        if self.budget is not None and client is not None:
            wait = self._budget_wait(client)
            if wait is not None:
                raise BudgetSpent(f"This client has used its {self.budget:g} s of query time for the last minute "
                                  f"(DANVAN_QUERY_BUDGET); try again in {wait} s.", wait)
        if not self._free.acquire(blocking=False):
            wait = math.ceil(self.retry_after)
            raise Busy(f"The server is evaluating as many queries as it can and its queue is full; "
                       f"try again in {wait} s.", wait)
        ticket = Ticket()
        try:
            yield ticket
        finally:
            self._free.release()
            if self.budget is not None and client is not None and ticket.seconds > 0:
                self._charge(client, ticket.seconds)

    def spent(self, client: str) -> float:
        with self._lock:
            return sum(s for _, s in self._recent(client, time.monotonic()))

    def _recent(self, client: str, now: float) -> deque[tuple[float, float]]:
        charges = self._spent.get(client)
        if charges is None:
            return deque()
        while charges and charges[0][0] <= now - WINDOW:
            charges.popleft()
        return charges

    def _budget_wait(self, client: str) -> int | None:
        """None when the client may run a query now; else the seconds until its spent time drops below
        the budget (charges leave the window one by one, oldest first)."""
        now = time.monotonic()
        with self._lock:
            charges = self._recent(client, now)
            total = sum(s for _, s in charges)
            if total < self.budget:
                return None
            for at, seconds in charges:
                total -= seconds
                if total < self.budget:
                    return math.ceil(at + WINDOW - now)
            return 1

    def _charge(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            charges = self._recent(client, now)
            charges.append((now, seconds))
            self._spent[client] = charges
            self._spent.move_to_end(client)
            while len(self._spent) > MAX_CLIENTS:
                self._spent.popitem(last=False)
