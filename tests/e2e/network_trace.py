"""What an agent addressed on the network, read from an strace of its process tree: anything but the
gateway is an outside contact, and a DNS lookup is named by the query it carried."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"')
_PAYLOAD = re.compile(r'iov_base="((?:[^"\\]|\\.)*)"')
_DNS_PORT = 53


def traced(argv: list[str], trace_file: Path) -> list[str]:
    """``argv`` under strace, recording every socket address the process tree connects or sends to (and
    enough of each payload to read the name a DNS query asks for)."""
    calls = "trace=connect,sendto,sendmsg,sendmmsg"
    return ["strace", "-f", "-qq", "-e", calls, "-s", "256", "-o", str(trace_file), *argv]


def outside_contacts(trace_text: str, allowed_port: int) -> list[str]:
    """What the traced process tree addressed besides 127.0.0.1:``allowed_port`` over IP: "DNS lookup of
    NAME" for each name asked of a resolver, the raw strace line for anything else."""
    found: set[str] = set()
    asked = {f"DNS lookup of {name}" for name in dns_query_names(trace_text)}
    for line in trace_text.splitlines():
        if "sa_family=AF_INET" not in line:
            continue
        port, address = _PORT.search(line), _ADDRESS.search(line)
        host = next((g for g in address.groups() if g), "?") if address else "?"
        if port and int(port.group(1)) == _DNS_PORT and asked:
            found.update(asked)
        elif not (port and int(port.group(1)) == allowed_port and host in ("127.0.0.1", "::ffff:127.0.0.1")):
            found.add(line.strip())
    return sorted(found)


def dns_query_names(trace_text: str) -> set[str]:
    """The names asked in the DNS queries strace recorded (the question of each UDP payload)."""
    names = set()
    for match in _PAYLOAD.finditer(trace_text):
        raw = codecs.escape_decode(match.group(1).encode("latin-1"))[0]
        labels, at = [], 12  # after the DNS header
        while 12 <= at < len(raw) and raw[at] != 0 and at + 1 + raw[at] <= len(raw):
            labels.append(raw[at + 1 : at + 1 + raw[at]].decode("ascii", "replace"))
            at += 1 + raw[at]
        if labels and at < len(raw) and raw[at] == 0 and all(label.isprintable() for label in labels):
            names.add(".".join(labels))
    return names
