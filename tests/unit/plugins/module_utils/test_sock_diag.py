# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import errno
import socket
import struct

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import inet, sock_diag


def _view(records):
    """(address, port, state, v6only, uid) per record, as a set."""
    return set((inet.format_address(r['family'], r['src']), r['sport'], inet.state_name(r['state']), r['v6only'], r['uid'])
               for r in records)


@pytest.mark.parametrize('family, proto, states, proto_num', [
    (socket.AF_INET, 'tcp', 1 << 10, 6),
    (socket.AF_INET6, 'udp', 1 << 7, 17),
    (socket.AF_INET6, 'tcp', 0xFFF, 6),
])
def test_build_request(family, proto, states, proto_num):
    req = sock_diag.build_request(family, proto, states, seq=7)
    assert len(req) == 16 + 56
    assert struct.unpack_from('=IHHII', req) == (72, 20, 0x301, 7, 0)
    assert struct.unpack_from('=BBBBI', req, 16) == (family, proto_num, 0, 0, states)
    assert req[24:] == b'\x00' * 48


@pytest.mark.parametrize('name, proto, expected', [
    ('sock_diag_tcp4_listen', 'tcp', {
        ('0.0.0.0', 8080, 'LISTEN', False, 0), ('0.0.0.0', 8086, 'LISTEN', False, 1234),
        ('127.0.0.1', 8081, 'LISTEN', False, 0)}),
    # v6only as the kernel reports it (INET_DIAG_SKV6ONLY): 8082 v6-only, 8083 dual-stack; binding a
    # specific non-mapped IPv6 address (::1) makes the kernel set v6only itself
    ('sock_diag_tcp6_listen', 'tcp', {
        ('::', 8082, 'LISTEN', True, 0), ('::', 8083, 'LISTEN', False, 0), ('::1', 8084, 'LISTEN', True, 0),
        ('127.0.0.1', 8085, 'LISTEN', False, 0)}),
    ('sock_diag_udp4_all', 'udp', {('0.0.0.0', 5353, 'UNCONN', False, 0), ('127.0.0.1', 5355, 'ESTAB', False, 0)}),
    ('sock_diag_udp6_unconn', 'udp', {('::', 5354, 'UNCONN', True, 0)}),
    ('sock_diag_tcp4_all', 'tcp', {
        ('0.0.0.0', 8080, 'LISTEN', False, 0), ('0.0.0.0', 8086, 'LISTEN', False, 1234),
        ('127.0.0.1', 8081, 'LISTEN', False, 0), ('127.0.0.1', 8081, 'ESTAB', False, 0),
        ('127.0.0.1', 56200, 'ESTAB', False, 0)}),
])
def test_parse_recorded_dumps(netlink_bytes, name, proto, expected):
    records, done = sock_diag.parse_messages(netlink_bytes(name), proto)
    assert done is True
    assert _view(records) == expected
    assert all(r['proto'] == proto and r['inode'] > 0 for r in records)


def test_v4_mapped_keeps_ipv6_family(netlink_bytes):
    records, _done = sock_diag.parse_messages(netlink_bytes('sock_diag_tcp6_listen'), 'tcp')
    mapped = [r for r in records if r['sport'] == 8085][0]
    assert mapped['family'] == socket.AF_INET6
    assert mapped['src'] == b'\x00' * 10 + b'\xff\xff\x7f\x00\x00\x01'
    assert inet.protocol_name('tcp', mapped['family']) == 'tcp6'


def test_established_peer(netlink_bytes):
    records, _done = sock_diag.parse_messages(netlink_bytes('sock_diag_udp4_all'), 'udp')
    connected = [r for r in records if r['sport'] == 5355][0]
    assert (inet.format_address(socket.AF_INET, connected['dst']), connected['dport']) == ('127.0.0.1', 5353)


def test_same_inodes_as_procfs(netlink_bytes, fixture_text):
    """Both recordings were taken from the same sockets: inodes must agree (they map sockets to pids)."""
    from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs
    nl, _done = sock_diag.parse_messages(netlink_bytes('sock_diag_tcp6_listen'), 'tcp')
    pf = procfs.parse_net_table(fixture_text('proc_net_tcp6.txt'), socket.AF_INET6, 'tcp', 'little')
    assert dict((r['sport'], r['inode']) for r in nl) == dict((r['sport'], r['inode']) for r in pf)


def test_error_reply_raises():
    err = struct.pack('=IHHII', 36, 2, 0, 1, 0) + struct.pack('=i', -errno.ENOENT) + b'\x00' * 16
    with pytest.raises(OSError) as exc:
        sock_diag.parse_messages(err, 'udp')
    assert exc.value.errno == errno.ENOENT


def test_ack_is_not_an_error():
    ack = struct.pack('=IHHII', 36, 2, 0, 1, 0) + struct.pack('=i', 0) + b'\x00' * 16
    assert sock_diag.parse_messages(ack, 'tcp') == ([], False)


def test_split_across_recv_calls(netlink_bytes):
    """A dump arriving in several datagrams: only the last one carries NLMSG_DONE."""
    data = netlink_bytes('sock_diag_tcp4_listen')
    first_len = struct.unpack_from('=I', data)[0]
    part1, done1 = sock_diag.parse_messages(data[:first_len], 'tcp')
    part2, done2 = sock_diag.parse_messages(data[first_len:], 'tcp')
    assert (len(part1), done1, done2) == (1, False, True)
    assert len(part1) + len(part2) == 3


class FakeNetlink(object):
    """Replays recorded datagrams and records what was sent."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.sent = []

    def sendto(self, data, addr):
        self.sent.append((data, addr))

    def recv(self, _size):
        return self.replies.pop(0)


def test_dump_all_sends_four_requests(netlink_bytes):
    fake = FakeNetlink([netlink_bytes('sock_diag_tcp4_listen'), netlink_bytes('sock_diag_tcp6_listen'),
                        netlink_bytes('sock_diag_udp4_all'), netlink_bytes('sock_diag_udp6_unconn')])
    records = sock_diag.dump_all(fake, {'tcp': 1 << 10, 'udp': 1 << 7})
    sent = [struct.unpack_from('=BBBBI', d, 16) for d, _addr in fake.sent]
    assert sent == [(2, 6, 0, 0, 1024), (10, 6, 0, 0, 1024), (2, 17, 0, 0, 128), (10, 17, 0, 0, 128)]
    assert all(addr == (0, 0) for _d, addr in fake.sent)
    assert len(records) == 3 + 4 + 2 + 1
