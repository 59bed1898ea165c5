# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What `lab check` reads without root: every running container (and the chapter's named ones in any state),
their processes found by cgroup, and the sockets of a network namespace from /proc/PID/net.

Everything here works for any member of the docker group: the Docker API, /proc/PID/status, /proc/PID/cgroup
and /proc/PID/net/tcp* are all readable by them; network namespaces are not entered. Standard library only."""

from __future__ import annotations

import os

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils import process_scan, procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.netns_sockets import Namer, is_listening, socket_entry


def read_containers(api, config):
    """{name: container_view} of every running container, plus the chapter's named ones in any state."""
    status, listing = api.get('/containers/json?all=1')
    if status != 200:
        raise DockerAPIError('Docker engine answered %s listing containers: %s' % (status, (listing or {}).get('message')))
    fixed = set(config['names'].values())
    containers = {}
    for summary in listing or []:
        name = ((summary.get('Names') or ['/' + summary.get('Id', '')])[0]).lstrip('/')
        if summary.get('State') != 'running' and name not in fixed:
            continue
        data = api.inspect_container(summary['Id'])
        if data:
            containers[name] = lab_observe.container_view(data)
    return containers


def read_processes(containers, proc='/proc'):
    """{name: {'processes': [...]}} of running containers, found by their cgroup (no root needed)."""
    running = dict((name, c) for name, c in containers.items() if c['running'] and c['pid'])
    cgroups = dict((name, process_scan.read_cgroup(c['pid'], proc)) for name, c in running.items())
    found = process_scan.processes_by_cgroup(set(text for text in cgroups.values() if text), proc)
    users = container_processes.Users()
    out = {}
    for name, container in sorted(running.items()):
        pids = found.get(cgroups[name]) or [container['pid']]
        processes = [p for p in (container_processes.process_entry(pid, [], {}, users) for pid in pids) if p]
        out[name] = {'processes': processes}
    return out


def read_net(pid_dir, inode=None):
    """A netns_socket_facts-shaped entry from /proc/<pid>/net (readable without root), or {'error'}."""
    try:
        if not os.path.isdir(pid_dir + '/net'):
            raise FileNotFoundError(2, 'no such process', pid_dir)
        records = procfs.read_net_tables(pid_dir + '/net')
    except OSError as exc:
        return {'error': str(exc)}
    namer = Namer()
    # Only root may stat another user's namespace: say so in words rather than print a placeholder.
    return {'netns_inode': inode or ('word.netns_unknown', {}), 'method': 'procfs',
            'tcp_listen': [socket_entry(r, {}, namer) for r in records if r['proto'] == 'tcp' and is_listening(r)]}


def _netns_inode(pid_dir):
    try:
        return os.stat(pid_dir + '/ns/net').st_ino
    except OSError:
        return None  # another user's namespace: only root may stat it


def read_sockets(server, proc='/proc'):
    """{'container': entry, 'host': entry} for the server's network namespace and this process's (the host's)."""
    out = {'host': read_net('%s/self' % proc, _netns_inode('%s/self' % proc))}
    if server and server['running'] and server['pid']:
        pid_dir = '%s/%d' % (proc, server['pid'])
        out['container'] = read_net(pid_dir, _netns_inode(pid_dir))
    return out
