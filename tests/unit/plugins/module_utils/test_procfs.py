# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import socket

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import inet, procfs


def _view(records):
    """(address, port, state name, uid) of each record, as a set."""
    return set((inet.format_address(r['family'], r['src']), r['sport'], inet.state_name(r['state']), r['uid'])
               for r in records)


@pytest.mark.parametrize('text, byteorder, expected', [
    ('0100007F', 'little', b'\x7f\x00\x00\x01'),
    ('7F000001', 'big', b'\x7f\x00\x00\x01'),
    ('00000000000000000000000001000000', 'little', b'\x00' * 15 + b'\x01'),
    ('0000000000000000FFFF00000100007F', 'little', b'\x00' * 10 + b'\xff\xff\x7f\x00\x00\x01'),
    ('B80D0120000000000000000001000000', 'little', bytes.fromhex('20010db8000000000000000000000001')),
])
def test_decode_hex_address(text, byteorder, expected):
    assert procfs.decode_hex_address(text, byteorder) == expected


@pytest.mark.parametrize('name, family, proto, expected', [
    ('proc_net_tcp.txt', socket.AF_INET, 'tcp', {
        ('0.0.0.0', 8080, 'LISTEN', 0), ('0.0.0.0', 8086, 'LISTEN', 1234), ('127.0.0.1', 8081, 'LISTEN', 0),
        ('127.0.0.1', 56200, 'ESTAB', 0), ('127.0.0.1', 8081, 'ESTAB', 0)}),
    ('proc_net_tcp6.txt', socket.AF_INET6, 'tcp', {
        ('::', 8082, 'LISTEN', 0), ('::', 8083, 'LISTEN', 0), ('::1', 8084, 'LISTEN', 0),
        ('127.0.0.1', 8085, 'LISTEN', 0)}),
    ('proc_net_udp.txt', socket.AF_INET, 'udp', {('0.0.0.0', 5353, 'UNCONN', 0), ('127.0.0.1', 5355, 'ESTAB', 0)}),
    ('proc_net_udp6.txt', socket.AF_INET6, 'udp', {('::', 5354, 'UNCONN', 0)}),
])
def test_parse_net_table(fixture_text, name, family, proto, expected):
    records = procfs.parse_net_table(fixture_text(name), family, proto, 'little')
    assert _view(records) == expected
    assert all(r['proto'] == proto and r['family'] == family for r in records)
    assert all(r['inode'] > 0 for r in records)
    # /proc cannot tell IPV6_V6ONLY: unknown for IPv6, false for IPv4
    assert all(r['v6only'] is (False if family == socket.AF_INET else None) for r in records)


def test_parse_net_table_peer_and_inode(fixture_text):
    records = procfs.parse_net_table(fixture_text('proc_net_udp.txt'), socket.AF_INET, 'udp', 'little')
    connected = [r for r in records if r['sport'] == 5355][0]
    assert inet.format_address(socket.AF_INET, connected['dst']) == '127.0.0.1'
    assert connected['dport'] == 5353
    assert connected['inode'] == 58772


def test_parse_net_table_ignores_header_and_blank():
    assert procfs.parse_net_table('  sl  local_address\n\n', socket.AF_INET, 'tcp') == []


def test_parse_status(fixture_text):
    status = procfs.parse_status(fixture_text('proc_status_nginx_worker.txt'))
    assert status == {'name': 'nginx', 'uid': [33, 33, 33, 33], 'gid': [33, 34, 33, 33], 'nspid': [3055, 7]}


@pytest.mark.parametrize('name, expected', [
    ('uid_map_identity.txt', [{'inside': 0, 'outside': 0, 'count': 4294967295}]),
    ('uid_map_remapped.txt', [{'inside': 0, 'outside': 100000, 'count': 65536}]),
    ('uid_map_split.txt', [{'inside': 0, 'outside': 1000, 'count': 1}, {'inside': 1, 'outside': 200000, 'count': 65535}]),
])
def test_parse_id_map(fixture_text, name, expected):
    assert procfs.parse_id_map(fixture_text(name)) == expected


def test_parse_passwd(fixture_text):
    users = procfs.parse_passwd(fixture_text('passwd_container.txt'))
    assert users == {0: 'root', 1: 'daemon', 33: 'www-data', 65534: 'nobody'}


def test_parse_subid(fixture_text):
    assert procfs.parse_subid(fixture_text('subuid.txt')) == [
        {'owner': 'alice', 'start': 100000, 'count': 65536},
        {'owner': 'dockremap', 'start': 165536, 'count': 65536},
    ]


def test_read_net_tables_skips_missing(tmp_path, fixture_text):
    (tmp_path / 'tcp').write_text(fixture_text('proc_net_tcp.txt'))
    (tmp_path / 'udp6').write_text(fixture_text('proc_net_udp6.txt'))
    records = procfs.read_net_tables(str(tmp_path), 'little')
    assert sorted((r['proto'], r['family'], r['sport']) for r in records) == sorted(
        [('tcp', socket.AF_INET, p) for p in (8080, 8086, 8081, 56200, 8081)] + [('udp', socket.AF_INET6, 5354)])
