# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Socket address, protocol and state names shared by the netlink and /proc readers."""

from __future__ import annotations

import socket

V4_MAPPED_PREFIX = b'\x00' * 10 + b'\xff\xff'

# Kernel TCP states (include/net/tcp_states.h) with the names `ss` prints.
STATE_NAMES = {
    1: 'ESTAB',
    2: 'SYN-SENT',
    3: 'SYN-RECV',
    4: 'FIN-WAIT-1',
    5: 'FIN-WAIT-2',
    6: 'TIME-WAIT',
    7: 'UNCONN',
    8: 'CLOSE-WAIT',
    9: 'LAST-ACK',
    10: 'LISTEN',
    11: 'CLOSING',
    12: 'NEW-SYN-RECV',
}
TCP_LISTEN = 10
TCP_CLOSE = 7  # an unconnected UDP socket


def format_address(family, raw):
    """Text of a raw address: IPv4 dotted, IPv6 compressed, v4-mapped as its IPv4 address."""
    if family == socket.AF_INET:
        return socket.inet_ntop(socket.AF_INET, bytes(raw[:4]))
    raw = bytes(raw[:16])
    if raw[:12] == V4_MAPPED_PREFIX:
        return socket.inet_ntop(socket.AF_INET, raw[12:])
    return socket.inet_ntop(socket.AF_INET6, raw)


def protocol_name(proto, family):
    """'tcp', 'tcp6', 'udp' or 'udp6', as in listen_ports_facts."""
    return proto + ('6' if family == socket.AF_INET6 else '')


def family_name(family):
    """'ipv4' or 'ipv6'."""
    return 'ipv6' if family == socket.AF_INET6 else 'ipv4'


def state_name(state):
    """The `ss` name of a kernel socket state number."""
    return STATE_NAMES.get(state, str(state))
