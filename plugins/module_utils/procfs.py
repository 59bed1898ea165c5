# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parsers for /proc and /etc text: socket tables, status, id maps, passwd, subuid."""

from __future__ import annotations

import socket
import sys

NET_TABLES = (
    ('tcp', socket.AF_INET, 'tcp'),
    ('tcp6', socket.AF_INET6, 'tcp'),
    ('udp', socket.AF_INET, 'udp'),
    ('udp6', socket.AF_INET6, 'udp'),
)


def decode_hex_address(text, byteorder=None):
    """Raw address bytes from /proc/net hex: each 32-bit word is printed in host order."""
    byteorder = byteorder or sys.byteorder
    raw = bytes.fromhex(text)
    if byteorder == 'big':
        return raw
    return b''.join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))


def parse_net_table(text, family, proto, byteorder=None):
    """Socket records from the text of /proc/<pid>/net/{tcp,tcp6,udp,udp6}."""
    records = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        local, remote = fields[1], fields[2]
        laddr, lport = local.split(':')
        raddr, rport = remote.split(':')
        records.append({
            'proto': proto,
            'family': family,
            'src': decode_hex_address(laddr, byteorder),
            'sport': int(lport, 16),
            'dst': decode_hex_address(raddr, byteorder),
            'dport': int(rport, 16),
            'state': int(fields[3], 16),
            'uid': int(fields[7]),
            'inode': int(fields[9]),
            'v6only': False if family == socket.AF_INET else None,
        })
    return records


def parse_status(text):
    """Name, Uid, Gid and NSpid of /proc/<pid>/status (ids as lists of int)."""
    result = {'name': None, 'uid': [], 'gid': [], 'nspid': []}
    for line in text.splitlines():
        key, _sep, value = line.partition(':')
        if key == 'Name':
            result['name'] = value.strip()
        elif key in ('Uid', 'Gid', 'NSpid'):
            result[key.lower()] = [int(v) for v in value.split()]
    return result


def parse_id_map(text):
    """Lines of /proc/<pid>/uid_map or gid_map as [{inside, outside, count}]."""
    entries = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3:
            entries.append({'inside': int(fields[0]), 'outside': int(fields[1]), 'count': int(fields[2])})
    return entries


def parse_passwd(text):
    """Map uid -> user name from the text of an /etc/passwd file (first entry wins)."""
    users = {}
    for line in text.splitlines():
        fields = line.split(':')
        if len(fields) < 3 or line.startswith('#'):
            continue
        try:
            uid = int(fields[2])
        except ValueError:
            continue
        users.setdefault(uid, fields[0])
    return users


def parse_subid(text):
    """Lines of /etc/subuid or /etc/subgid as [{owner, start, count}]."""
    ranges = []
    for line in text.splitlines():
        fields = line.strip().split(':')
        if len(fields) != 3 or line.startswith('#'):
            continue
        try:
            ranges.append({'owner': fields[0], 'start': int(fields[1]), 'count': int(fields[2])})
        except ValueError:
            continue
    return ranges


def read_text(path):
    """Whole file as text; errors propagate (callers decide what a vanished process means)."""
    with open(path, 'r', encoding='utf-8', errors='replace') as handle:
        return handle.read()


def read_net_tables(proc_net_dir, byteorder=None):
    """All TCP/UDP socket records from a /proc/.../net directory."""
    records = []
    for name, family, proto in NET_TABLES:
        try:
            text = read_text('%s/%s' % (proc_net_dir, name))
        except FileNotFoundError:
            continue  # no IPv6 in this kernel
        records.extend(parse_net_table(text, family, proto, byteorder))
    return records
