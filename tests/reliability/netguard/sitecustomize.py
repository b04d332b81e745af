"""Network guard for tests: Python imports this at start-up when this folder is on PYTHONPATH. An
audit hook records every attempt to reach a host that is not this machine (socket connect,
sendto, and name lookups of non-local names) as a JSON line in the file named by
ADVISOR_NETGUARD_LOG, with the stack that made it. It only records (the test fails on any line);
it sees what Python code does, not sockets opened by native libraries on their own."""

import ipaddress
import json
import os
import socket
import sys
import traceback

_LOG = os.environ.get("ADVISOR_NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False  # a name other than localhost: resolving it may already leave the machine
    return address.is_loopback or address.is_unspecified


def _record(event: str, target) -> None:
    if not _LOG:
        return
    entry = {"event": event, "target": repr(target), "pid": os.getpid(),
             "stack": traceback.format_stack(limit=12)[:-2]}
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def _hook(event: str, args) -> None:
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", None):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not _is_local(host):
            _record(event, address)
    elif event == "socket.getaddrinfo":
        if not _is_local(args[0]):
            _record(event, args[0])
    elif event == "socket.gethostbyname":
        if not _is_local(args[0]):
            _record(event, args[0])


sys.addaudithook(_hook)
