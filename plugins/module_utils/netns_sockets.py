# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Listening (and optionally all) sockets of network namespaces, shaped like listen_ports_facts."""

from __future__ import annotations

import errno
import pwd

from ansible_collections.microlab.docker_internals.plugins.module_utils import inet, netns, procfs, sock_diag
from ansible_collections.microlab.docker_internals.plugins.module_utils.process_scan import socket_owners
from ansible_collections.microlab.docker_internals.plugins.module_utils.targets import TargetError, denied_message, public

LISTEN_STATES = {'tcp': 1 << inet.TCP_LISTEN, 'udp': 1 << inet.TCP_CLOSE}
ALL_STATES = {'tcp': sock_diag.ALL_STATES, 'udp': sock_diag.ALL_STATES}


def is_listening(record):
    """TCP in LISTEN, or UDP not connected (UNCONN)."""
    wanted = inet.TCP_LISTEN if record['proto'] == 'tcp' else inet.TCP_CLOSE
    return record['state'] == wanted


def read_netlink(ns_path, include_all):
    """Records from sock_diag, through a netlink socket opened inside the namespace."""
    with netns.entered_netns(ns_path):
        sock = sock_diag.open_socket()
    try:
        return sock_diag.dump_all(sock, ALL_STATES if include_all else LISTEN_STATES)
    finally:
        sock.close()


def read_procfs(target):
    """Records from /proc/<pid>/net, or from our own view after entering a namespace path."""
    if target['pid']:
        return procfs.read_net_tables('/proc/%d/net' % target['pid'])
    with netns.entered_netns(target['ns_path']):
        return procfs.read_net_tables('/proc/thread-self/net')


def read_sockets(target, method, include_all):
    """(records, method used); with method 'auto', netlink first and /proc when it fails."""
    try:
        if method in ('auto', 'netlink'):
            try:
                return read_netlink(target['ns_path'], include_all), 'netlink'
            except OSError as exc:
                if method == 'netlink' or netns.is_permission_error(exc) or exc.errno == errno.EINVAL:
                    raise
        return read_procfs(target), 'procfs'
    except OSError as exc:
        if netns.is_permission_error(exc):
            raise TargetError(denied_message(target['ns_path']))
        if exc.errno == errno.EINVAL:
            raise TargetError("'%s' is not a network namespace file: give /run/netns/NAME or /proc/PID/ns/net"
                              % target['ns_path'])
        if exc.errno in (errno.ENOENT, errno.ESRCH):
            raise TargetError("%s '%s' vanished while reading its sockets (pid %s): run again"
                              % (target['type'], target['key'], target['pid']))
        raise TargetError('reading sockets of %s with %s failed: %s' % (target['key'], method, exc))


class Namer(object):
    """Cached pid -> comm and uid -> user name lookups."""

    def __init__(self):
        self.comms = {}
        self.users = {}

    def comm(self, pid):
        if pid not in self.comms:
            try:
                self.comms[pid] = procfs.read_text('/proc/%d/comm' % pid).strip()
            except OSError:
                self.comms[pid] = None
        return self.comms[pid]

    def user(self, uid):
        if uid not in self.users:
            try:
                self.users[uid] = pwd.getpwuid(uid).pw_name
            except KeyError:
                self.users[uid] = None
        return self.users[uid]


def socket_entry(record, owners, namer, with_peer=False):
    """One returned socket dict from a record and the namespace's socket-inode -> pid table."""
    pid = owners.get(record['inode']) if record['inode'] else None
    entry = {
        'address': inet.format_address(record['family'], record['src']),
        'port': record['sport'],
        'protocol': inet.protocol_name(record['proto'], record['family']),
        'family': inet.family_name(record['family']),
        'ipv6_only': record['v6only'],
        'state': inet.state_name(record['state']),
        'pid': pid,
        'name': namer.comm(pid) if pid else None,
        'user': namer.user(record['uid']),
        'uid': record['uid'],
    }
    if with_peer:
        entry['peer_address'] = inet.format_address(record['family'], record['dst'])
        entry['peer_port'] = record['dport']
    return entry


def _sort_key(entry):
    return (entry['protocol'], entry['address'], entry['port'], entry['state'], entry['pid'] or 0)


def gather(targets, method='auto', include_all=False):
    """{target key: facts entry} for every target."""
    host_inode = netns.netns_inode(netns.host_ns_path())
    read = []
    for target in targets:
        try:
            inode = netns.netns_inode(target['ns_path'])
        except OSError as exc:
            if netns.is_permission_error(exc):
                raise TargetError(denied_message(target['ns_path']))
            raise TargetError("%s '%s' has no readable network namespace (%s)" % (target['type'], target['key'], exc))
        records, used = read_sockets(target, method, include_all)
        read.append((target, inode, records, used))
    owners = socket_owners(set(item[1] for item in read))
    namer = Namer()
    facts = {}
    for target, inode, records, used in read:
        table = owners.get(inode, {})
        facts[target['key']] = {
            'target': public(target),
            'netns_inode': inode,
            'is_host_netns': inode == host_inode,
            'method': used,
            'tcp_listen': sorted((socket_entry(r, table, namer) for r in records
                                  if r['proto'] == 'tcp' and is_listening(r)), key=_sort_key),
            'udp_listen': sorted((socket_entry(r, table, namer) for r in records
                                  if r['proto'] == 'udp' and is_listening(r)), key=_sort_key),
        }
        if include_all:
            facts[target['key']]['sockets'] = sorted((socket_entry(r, table, namer, True) for r in records),
                                                     key=_sort_key)
    return facts
