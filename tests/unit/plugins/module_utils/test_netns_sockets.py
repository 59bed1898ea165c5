# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import errno
import socket

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import netns_sockets, procfs, sock_diag
from ansible_collections.microlab.docker_internals.plugins.module_utils.targets import TargetError


class FixedNamer(object):
    def comm(self, pid):
        return {4242: 'nginx'}.get(pid)

    def user(self, uid):
        return {0: 'root', 33: 'www-data'}.get(uid)


def _records(netlink_bytes):
    records = []
    for name, proto in (('sock_diag_tcp4_all', 'tcp'), ('sock_diag_tcp6_listen', 'tcp'),
                        ('sock_diag_udp4_all', 'udp'), ('sock_diag_udp6_unconn', 'udp')):
        records.extend(sock_diag.parse_messages(netlink_bytes(name), proto)[0])
    return records


def _target(key='web', pid=4242):
    return {'key': key, 'type': 'container', 'name': key, 'id': 'f00', 'pid': pid, 'ns_path': '/proc/%d/ns/net' % pid}


@pytest.mark.parametrize('proto, state, listening', [
    ('tcp', 10, True), ('tcp', 1, False), ('tcp', 7, False), ('udp', 7, True), ('udp', 1, False)])
def test_is_listening(proto, state, listening):
    assert netns_sockets.is_listening({'proto': proto, 'state': state}) is listening


def test_socket_entry_shape():
    record = {'proto': 'tcp', 'family': socket.AF_INET6, 'state': 10, 'src': b'\x00' * 16, 'sport': 80,
              'dst': b'\x00' * 16, 'dport': 0, 'uid': 0, 'inode': 77, 'v6only': True}
    entry = netns_sockets.socket_entry(record, {77: 4242}, FixedNamer(), with_peer=True)
    assert entry == {'address': '::', 'port': 80, 'protocol': 'tcp6', 'family': 'ipv6', 'ipv6_only': True,
                     'state': 'LISTEN', 'pid': 4242, 'name': 'nginx', 'user': 'root', 'uid': 0,
                     'peer_address': '::', 'peer_port': 0}


def test_socket_entry_unknown_owner_and_user():
    record = {'proto': 'udp', 'family': socket.AF_INET, 'state': 7, 'src': b'\x7f\x00\x00\x01', 'sport': 53,
              'dst': b'\x00' * 4, 'dport': 0, 'uid': 1234, 'inode': 0, 'v6only': False}
    entry = netns_sockets.socket_entry(record, {0: 1}, FixedNamer())
    assert (entry['pid'], entry['name'], entry['user'], entry['uid']) == (None, None, None, 1234)
    assert 'peer_address' not in entry


@pytest.fixture
def patched(monkeypatch, netlink_bytes):
    """gather() with recorded sockets, a fixed owner table and fixed inodes."""
    records = _records(netlink_bytes)
    monkeypatch.setattr(netns_sockets, 'read_sockets', lambda target, method, include_all: (list(records), 'netlink'))
    inode_of_sport = dict((r['sport'], r['inode']) for r in records)
    monkeypatch.setattr(netns_sockets, 'socket_owners',
                        lambda inodes: dict((i, {inode_of_sport[8080]: 4242, inode_of_sport[5353]: 4242}) for i in inodes))
    monkeypatch.setattr(netns_sockets.netns, 'host_ns_path', lambda kind='net': '/proc/1/ns/net')
    monkeypatch.setattr(netns_sockets.netns, 'netns_inode',
                        lambda path: {'/proc/1/ns/net': 111, '/proc/4242/ns/net': 222}[path])
    monkeypatch.setattr(netns_sockets, 'Namer', FixedNamer)


def test_gather_listeners(patched):
    facts = netns_sockets.gather([_target()])
    web = facts['web']
    assert (web['netns_inode'], web['is_host_netns'], web['method']) == (222, False, 'netlink')
    assert web['target'] == {'type': 'container', 'name': 'web', 'id': 'f00', 'pid': 4242}
    assert [(e['protocol'], e['address'], e['port'], e['ipv6_only']) for e in web['tcp_listen']] == [
        ('tcp', '0.0.0.0', 8080, False), ('tcp', '0.0.0.0', 8086, False), ('tcp', '127.0.0.1', 8081, False),
        ('tcp6', '127.0.0.1', 8085, False), ('tcp6', '::', 8082, True), ('tcp6', '::', 8083, False),
        ('tcp6', '::1', 8084, True)]
    assert [(e['protocol'], e['address'], e['port'], e['state']) for e in web['udp_listen']] == [
        ('udp', '0.0.0.0', 5353, 'UNCONN'), ('udp6', '::', 5354, 'UNCONN')]
    assert web['tcp_listen'][0]['pid'] == 4242 and web['tcp_listen'][0]['name'] == 'nginx'
    assert web['tcp_listen'][1]['uid'] == 1234 and web['tcp_listen'][1]['user'] is None
    assert 'sockets' not in web


def test_gather_all_sockets_and_host(patched):
    host = {'key': 'host', 'type': 'host', 'name': 'host', 'id': None, 'pid': 1, 'ns_path': '/proc/1/ns/net'}
    facts = netns_sockets.gather([_target(), host], include_all=True)
    assert facts['host']['is_host_netns'] is True
    states = sorted(set(e['state'] for e in facts['web']['sockets']))
    assert states == ['ESTAB', 'LISTEN', 'UNCONN']
    estab = [e for e in facts['web']['sockets'] if e['protocol'] == 'udp' and e['state'] == 'ESTAB'][0]
    got = (estab['address'], estab['port'], estab['peer_address'], estab['peer_port'])
    assert got == ('127.0.0.1', 5355, '127.0.0.1', 5353)


def test_read_sockets_falls_back_to_procfs(monkeypatch):
    def broken(path, include_all):
        raise OSError(errno.ENOENT, 'no udp_diag')
    monkeypatch.setattr(netns_sockets, 'read_netlink', broken)
    monkeypatch.setattr(netns_sockets, 'read_procfs', lambda target: ['from-procfs'])
    assert netns_sockets.read_sockets(_target(), 'auto', False) == (['from-procfs'], 'procfs')
    with pytest.raises(TargetError):
        netns_sockets.read_sockets(_target(), 'netlink', False)


@pytest.mark.parametrize('code, text', [
    (errno.EINVAL, 'is not a network namespace file'),
    (errno.ESRCH, 'vanished'),
])
def test_read_sockets_errors(monkeypatch, code, text):
    def broken(*args):
        raise OSError(code, 'x')
    monkeypatch.setattr(netns_sockets, 'read_netlink', broken)
    monkeypatch.setattr(netns_sockets, 'read_procfs', broken)
    with pytest.raises(TargetError) as exc:
        netns_sockets.read_sockets(_target(), 'auto', False)
    assert text in str(exc.value)


def test_read_procfs_for_a_pid(monkeypatch):
    seen = []
    monkeypatch.setattr(procfs, 'read_net_tables', lambda d: seen.append(d) or [])
    netns_sockets.read_procfs(_target(pid=77))
    assert seen == ['/proc/77/net']
