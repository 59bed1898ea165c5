# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Processes of containers (or pids) with host and in-container UIDs and user namespace maps."""

from __future__ import annotations

import os
import pwd

from ansible_collections.microlab.docker_internals.plugins.module_utils import process_scan, procfs, userns
from ansible_collections.microlab.docker_internals.plugins.module_utils.netns import host_ns_path
from ansible_collections.microlab.docker_internals.plugins.module_utils.targets import TargetError, denied_message, public

SUBUID = '/etc/subuid'


def _read_optional(path, root=None):
    """Text of a file, or '' when it is missing or refused (see procfs.safe_read)."""
    try:
        return procfs.read_text(path, root=root)
    except OSError:
        return ''


def host_pidns_inode():
    """Inode of the host's PID namespace (PID 1's, or ours when PID 1 is hidden)."""
    return os.stat(host_ns_path('pid')).st_ino


def group_pids(targets):
    """{target key: pids}: the target's PID namespace, or its cgroup (container) or itself (pid)
    when it shares the host's PID namespace."""
    host_pidns = host_pidns_inode()
    pidns, cgroups, groups = {}, {}, {}
    for target in targets:
        inode = process_scan.ns_inode(target['pid'], 'pid')
        if inode is None:
            if not os.path.isdir('/proc/%d' % target['pid']):
                raise TargetError("%s '%s' has no process any more (pid %d): start it again"
                                  % (target['type'], target['key'], target['pid']))
            raise TargetError(denied_message('/proc/%d/ns/pid' % target['pid']))
        if inode != host_pidns:
            pidns[target['key']] = inode
        elif target['type'] == 'container':
            cgroups[target['key']] = process_scan.read_cgroup(target['pid'])
        else:
            groups[target['key']] = [target['pid']]
    if pidns:
        found = process_scan.processes_by_ns('pid', set(pidns.values()))
        groups.update((key, found[inode]) for key, inode in pidns.items())
    if cgroups:
        found = process_scan.processes_by_cgroup(set(cgroups.values()))
        groups.update((key, found[text]) for key, text in cgroups.items())
    return groups


class Users(object):
    """Cached host user names."""

    def __init__(self):
        self.names = {}

    def name(self, uid):
        if uid not in self.names:
            try:
                self.names[uid] = pwd.getpwuid(uid).pw_name
            except KeyError:
                self.names[uid] = None
        return self.names[uid]


def process_entry(pid, uid_map, container_users, host_users):
    """One process dict, or None when it exited meanwhile."""
    try:
        status = procfs.parse_status(procfs.read_text('/proc/%d/status' % pid))
        cmdline = procfs.safe_read('/proc/%d/cmdline' % pid, truncate=True)
    except OSError:
        return None
    host_uid = status['uid'][1] if len(status['uid']) > 1 else None
    host_gid = status['gid'][1] if len(status['gid']) > 1 else None
    container_uid = userns.to_inside(uid_map, host_uid) if host_uid is not None else None
    return {
        'pid': pid,
        'ns_pid': status['nspid'][-1] if status['nspid'] else pid,
        'command': status['name'],
        'args': ' '.join(p.decode('utf-8', 'replace') for p in cmdline.split(b'\x00') if p),
        'host_uid': host_uid,
        'host_gid': host_gid,
        'host_user': host_users.name(host_uid) if host_uid is not None else None,
        'container_uid': container_uid,
        'container_user': container_users.get(container_uid) if container_uid is not None else None,
    }


def describe(target, pids, subuid, host_users):
    """The facts entry of one target."""
    pid = target['pid']
    try:
        uid_map = procfs.parse_id_map(procfs.read_text('/proc/%d/uid_map' % pid))
        gid_map = procfs.parse_id_map(procfs.read_text('/proc/%d/gid_map' % pid))
    except OSError:
        raise TargetError("%s '%s' has no process any more (pid %d): start it again" % (target['type'], target['key'], pid))
    container_users = procfs.parse_passwd(_read_optional('etc/passwd', root='/proc/%d/root' % pid))
    processes = [p for p in (process_entry(x, uid_map, container_users, host_users) for x in pids) if p]
    return {
        'target': public(target),
        'userns_remapped': not userns.is_identity(uid_map),
        'uid_map': uid_map,
        'gid_map': gid_map,
        'subordinate_owner': userns.subordinate_owner(subuid, userns.to_outside(uid_map, 0)),
        'processes': processes,
    }


def gather(targets):
    """{target key: facts entry} for every target."""
    groups = group_pids(targets)
    subuid = procfs.parse_subid(_read_optional(SUBUID))
    host_users = Users()
    return dict((t['key'], describe(t, groups[t['key']], subuid, host_users)) for t in targets)
