# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Turn module options (containers, pids, netns paths, host) into targets with a pid or a namespace path."""

from __future__ import annotations

import os

from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPI, DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils.netns import host_ns_path

ROOT_MESSAGE = ("needs root to read other processes' namespaces: add `become: true` to the task "
                "(or run it as root)")


def denied_message(what):
    """The message for EACCES/EPERM: become root, or (already root) the process is shielded."""
    if os.geteuid() != 0:
        return ROOT_MESSAGE
    return ('permission denied on %s even as root: the process is shielded (sandbox init, LSM, or no '
            'CAP_SYS_PTRACE/CAP_SYS_ADMIN in this user namespace); pick another target' % what)


class TargetError(Exception):
    """A target cannot be inspected; the message says what to do."""


def require_root(geteuid=None):
    """Fail early and clearly when not running as root."""
    if (geteuid or os.geteuid)() != 0:
        raise TargetError(ROOT_MESSAGE)


def _comm(pid):
    try:
        return procfs.read_text('/proc/%d/comm' % pid).strip()
    except OSError:
        return None


def _target(key, kind, name, ident, pid, ns_path=None):
    return {'key': key, 'type': kind, 'name': name, 'id': ident, 'pid': pid,
            'ns_path': ns_path or ('/proc/%d/ns/net' % pid if pid else None)}


def container_target(name, ident, pid):
    """A target for a running container already inspected (its name is the key)."""
    return _target(name, 'container', name, ident, pid)


def public(target):
    """The `target` value returned to the user."""
    return dict((k, target[k]) for k in ('type', 'name', 'id', 'pid'))


def from_inspect(key, given, data, docker_host):
    """A container target from inspect data; raises TargetError for missing or stopped containers."""
    if data is None:
        raise TargetError("no such container '%s' on %s: check `docker ps -a`" % (given, docker_host))
    state = data.get('State') or {}
    pid = state.get('Pid') or 0
    name = (data.get('Name') or given).lstrip('/')
    if not pid or not state.get('Running'):
        raise TargetError("container '%s' is not running (State.Pid is %s): start it with `docker start %s` "
                          "or the lab role" % (given, pid, name))
    return _target(key, 'container', name, data.get('Id'), pid)


def container_targets(containers, all_containers, docker_host):
    """Targets for containers given by name or id, and for every running one when asked."""
    if not containers and not all_containers:
        return []
    api = DockerAPI(docker_host)
    try:
        targets = [from_inspect(c, c, api.inspect_container(c), docker_host) for c in containers]
        if all_containers:
            for summary in api.running_containers():
                data = api.inspect_container(summary['Id'])
                if data is None or not (data.get('State') or {}).get('Pid'):
                    continue  # stopped between the listing and the inspect
                key = (data.get('Name') or summary['Id']).lstrip('/')
                targets.append(from_inspect(key, key, data, docker_host))
        return targets
    except PermissionError:
        raise TargetError(ROOT_MESSAGE + ' (permission denied on %s)' % docker_host)
    except DockerAPIError as exc:
        raise TargetError(str(exc))
    finally:
        api.close()


def pid_target(pid):
    """A target for a host pid; raises TargetError when there is no such process."""
    if pid <= 0 or not os.path.isdir('/proc/%d' % pid):
        raise TargetError('no process with pid %d: check `ps -p %d` (the process may have exited)' % (pid, pid))
    return _target('pid:%d' % pid, 'pid', _comm(pid), None, pid)


def netns_path_target(path):
    """A target for a network namespace file such as /run/netns/NAME or /proc/PID/ns/net."""
    if not os.path.exists(path):
        raise TargetError("netns path '%s' does not exist: give a file such as /run/netns/NAME or /proc/PID/ns/net"
                          % path)
    return _target(path, 'netns_path', path, None, None, ns_path=path)


def host_target():
    """The host's own namespaces, i.e. those of PID 1 (or ours when PID 1 is hidden from root)."""
    pid = 1 if host_ns_path() == '/proc/1/ns/net' else os.getpid()
    return _target('host', 'host', 'host', None, pid)


def resolve(params, with_paths=True):
    """Ordered targets from module params; raises TargetError."""
    targets = container_targets(params.get('containers') or [], params.get('all_containers'),
                                params['docker_host'])
    targets.extend(pid_target(p) for p in params.get('pids') or [])
    if with_paths:
        targets.extend(netns_path_target(p) for p in params.get('netns_paths') or [])
    if params.get('host'):
        targets.append(host_target())
    return targets
