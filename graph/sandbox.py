"""The network wall around query workers: a process that evaluates queries cannot open a network connection.

The grammar check in the web app refuses ``SERVICE`` (which makes Oxigraph send HTTP requests), but the
promise "the endpoint makes no outbound request" must not depend on that parse being right. So each
query worker, before it opens any store, moves itself into a new, empty network namespace: no interface
is up in it (not even loopback), so every ``connect`` to an IPv4/IPv6 address fails with
``ENETUNREACH``/``EADDRNOTAVAIL`` whatever the query asks for.

As root that is ``unshare(CLONE_NEWNET)``; otherwise ``unshare(CLONE_NEWUSER | CLONE_NEWNET)`` (an
unprivileged user namespace gives the right to make the network namespace; file access is unchanged,
it is still checked against the real user). Python 3.11 has no ``os.unshare``, hence ctypes.

The worker then proves the wall (:func:`probe`): a TCP connect to loopback (v4 and v6)
must fail. Its result goes back in the worker's ready message, and :mod:`graph.bounded` refuses a worker
without a wall (:class:`NetworkWallError`): no silent downgrade.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket

from graph.errors import DanvanError

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
# Loopback only (v4 and v6): with no interface up even loopback is unreachable, and a broken wall then
# touches nothing beyond this machine.
PROBES = (("127.0.0.1", 9), ("::1", 9))
# What a connect says when there is no interface to send from.
WALLED = {errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EPERM, errno.EACCES, errno.EHOSTUNREACH}


class NetworkWallError(DanvanError):
    """Query workers cannot be cut off from the network on this machine, so the endpoint will not start."""


def enter(privileged: bool | None = None) -> str:
    """Move this process into a new network namespace with no interface up; returns how.

    ``privileged`` (default: whether we are root) tries the plain network namespace first. Raises
    :class:`NetworkWallError` when neither a plain nor a user+network namespace can be made."""
    libc = ctypes.CDLL(None, use_errno=True)
    if privileged is None:
        privileged = os.geteuid() == 0
    attempts = [("network namespace", CLONE_NEWNET)] if privileged else []
    attempts.append(("user and network namespaces", CLONE_NEWUSER | CLONE_NEWNET))
    errors = []
    for how, flags in attempts:
        if libc.unshare(flags) == 0:
            return how
        err = ctypes.get_errno()
        errors.append(f"unshare({how}): {os.strerror(err)}")
    raise NetworkWallError(
        "cannot cut the query workers off from the network (" + "; ".join(errors) + "). Run as root, or "
        "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / "
        "user.max_user_namespaces > 0), or run in a container that permits unshare.")


def probe(targets=PROBES) -> dict[str, str]:
    """Try a TCP connect to each (host, port) of ``targets``: host → ``"blocked (ENETUNREACH)"`` or
    ``"OPEN (…)"`` (a connection, or a refusal or time-out that only a reachable network gives)."""
    out = {}
    for host, port in targets:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError as e:  # a seccomp-style refusal to even make the socket is a wall too
            out[host] = f"blocked ({errno.errorcode.get(e.errno, e.errno)})"
            continue
        sock.settimeout(2)
        try:
            sock.connect((host, port))
        except OSError as e:
            if e.errno in WALLED:
                out[host] = f"blocked ({errno.errorcode.get(e.errno, e.errno)})"
            else:  # refused or timed out: the packet left, so the network is reachable
                out[host] = f"OPEN ({errno.errorcode.get(e.errno, e.errno) if e.errno else type(e).__name__})"
        else:
            out[host] = "OPEN (connected)"
        finally:
            sock.close()
    return out


def holds(report: dict[str, str]) -> bool:
    return bool(report) and all(v.startswith("blocked") for v in report.values())
