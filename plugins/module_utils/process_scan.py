# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One pass over /proc: socket owners per netns, processes per pid namespace or cgroup."""

from __future__ import annotations

import os

from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs

PROC = '/proc'


def iter_pids(proc=PROC):
    """Every process (thread group) id under /proc."""
    for name in os.listdir(proc):
        if name.isdigit():
            yield int(name)


def ns_inode(pid, kind, proc=PROC):
    """Inode of /proc/<pid>/ns/<kind>, or None when the process is gone or hidden."""
    try:
        return os.stat('%s/%d/ns/%s' % (proc, pid, kind)).st_ino
    except OSError:
        return None


def socket_inodes(pid, proc=PROC):
    """Inodes of the sockets a process holds open (from /proc/<pid>/fd links)."""
    fd_dir = '%s/%d/fd' % (proc, pid)
    inodes = set()
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return inodes
    for name in names:
        try:
            link = os.readlink('%s/%s' % (fd_dir, name))
        except OSError:
            continue
        if link.startswith('socket:['):
            inodes.add(int(link[8:-1]))
    return inodes


def socket_owners(netns_inodes, proc=PROC):
    """{netns inode: {socket inode: lowest pid holding it}} for processes in those namespaces."""
    owners = dict((ino, {}) for ino in netns_inodes)
    for pid in iter_pids(proc):
        table = owners.get(ns_inode(pid, 'net', proc))
        if table is None:
            continue
        for inode in socket_inodes(pid, proc):
            if inode not in table or pid < table[inode]:
                table[inode] = pid
    return owners


def processes_by_ns(kind, ns_inodes, proc=PROC):
    """{namespace inode: sorted pids} for processes in the given namespaces of one kind."""
    found = dict((ino, []) for ino in ns_inodes)
    for pid in iter_pids(proc):
        pids = found.get(ns_inode(pid, kind, proc))
        if pids is not None:
            pids.append(pid)
    for pids in found.values():
        pids.sort()
    return found


def read_cgroup(pid, proc=PROC):
    """Text of /proc/<pid>/cgroup, or None when the process is gone."""
    try:
        return procfs.read_text('%s/%d/cgroup' % (proc, pid))
    except OSError:
        return None


def processes_by_cgroup(cgroups, proc=PROC):
    """{cgroup text: sorted pids} for processes whose /proc/<pid>/cgroup equals one given."""
    found = dict((text, []) for text in cgroups)
    for pid in iter_pids(proc):
        pids = found.get(read_cgroup(pid, proc))
        if pids is not None:
            pids.append(pid)
    for pids in found.values():
        pids.sort()
    return found
