# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""NETLINK_SOCK_DIAG dumps of TCP/UDP sockets (inet_diag_req_v2 / inet_diag_msg)."""

from __future__ import annotations

import os
import socket
import struct

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
INET_DIAG_SKV6ONLY = 11
ALL_STATES = 0xFFF

NLMSG_HDR = struct.Struct('=IHHII')        # len, type, flags, seq, pid
REQ_V2_HEAD = struct.Struct('=BBBBI')      # family, protocol, ext, pad, states
DIAG_MSG_HEAD = struct.Struct('=BBBB')     # family, state, timer, retrans
PORTS = struct.Struct('>HH')               # sport, dport (network order)
DIAG_MSG_TAIL = struct.Struct('=IIIII')    # expires, rqueue, wqueue, uid, inode
NLATTR = struct.Struct('=HH')              # len, type
SOCKID_LEN = 48
DIAG_MSG_LEN = 72
PROTOCOLS = {'tcp': socket.IPPROTO_TCP, 'udp': socket.IPPROTO_UDP}


def _align(length):
    return (length + 3) & ~3


def build_request(family, proto, states, seq=1):
    """A SOCK_DIAG_BY_FAMILY dump request for one family and 'tcp' or 'udp'."""
    body = REQ_V2_HEAD.pack(family, PROTOCOLS[proto], 0, 0, states) + b'\x00' * SOCKID_LEN
    return NLMSG_HDR.pack(NLMSG_HDR.size + len(body), SOCK_DIAG_BY_FAMILY,
                          NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body


def parse_diag_msg(data, offset, end, proto):
    """One inet_diag_msg plus its attributes as a socket record."""
    family, state, _timer, _retrans = DIAG_MSG_HEAD.unpack_from(data, offset)
    sport, dport = PORTS.unpack_from(data, offset + 4)
    src = bytes(data[offset + 8:offset + 24])
    dst = bytes(data[offset + 24:offset + 40])
    _expires, _rq, _wq, uid, inode = DIAG_MSG_TAIL.unpack_from(data, offset + 4 + SOCKID_LEN)
    v6only = False if family == socket.AF_INET else None
    pos = offset + DIAG_MSG_LEN
    while pos + NLATTR.size <= end:
        alen, atype = NLATTR.unpack_from(data, pos)
        if alen < NLATTR.size:
            break
        if atype & 0x3FFF == INET_DIAG_SKV6ONLY and alen >= NLATTR.size + 1:
            v6only = bool(data[pos + NLATTR.size])
        pos += _align(alen)
    return {
        'proto': proto, 'family': family, 'state': state,
        'src': src if family == socket.AF_INET6 else src[:4], 'sport': sport,
        'dst': dst if family == socket.AF_INET6 else dst[:4], 'dport': dport,
        'uid': uid, 'inode': inode, 'v6only': v6only,
    }


def parse_messages(data, proto):
    """Socket records from a buffer of netlink messages, and whether NLMSG_DONE was seen.

    Raises OSError for an NLMSG_ERROR reply.
    """
    records = []
    offset = 0
    while offset + NLMSG_HDR.size <= len(data):
        length, msg_type, _flags, _seq, _pid = NLMSG_HDR.unpack_from(data, offset)
        if length < NLMSG_HDR.size:
            break
        body = offset + NLMSG_HDR.size
        if msg_type == NLMSG_DONE:
            return records, True
        if msg_type == NLMSG_ERROR:
            code = -struct.unpack_from('=i', data, body)[0]
            if code:
                raise OSError(code, 'sock_diag: %s' % os.strerror(code))
        elif length >= NLMSG_HDR.size + DIAG_MSG_LEN:
            records.append(parse_diag_msg(data, body, offset + length, proto))
        offset += _align(length)
    return records, False


def open_socket():
    """A sock_diag netlink socket; it stays bound to the netns it was opened in."""
    return socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, NETLINK_SOCK_DIAG)


def dump(sock, family, proto, states, seq=1):
    """All socket records of one family/protocol in the given state mask."""
    sock.sendto(build_request(family, proto, states, seq), (0, 0))
    records = []
    while True:
        data = sock.recv(65536)
        chunk, done = parse_messages(data, proto)
        records.extend(chunk)
        if done or not data:
            return records


def dump_all(sock, states_by_proto):
    """TCP/UDP x IPv4/IPv6 dumps, e.g. states_by_proto={'tcp': 1 << 10, 'udp': 1 << 7}."""
    records = []
    seq = 0
    for proto in ('tcp', 'udp'):
        for family in (socket.AF_INET, socket.AF_INET6):
            seq += 1
            records.extend(dump(sock, family, proto, states_by_proto[proto], seq))
    return records
