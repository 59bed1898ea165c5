# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every scenario's judges share: results with evidence, and the questions asked of any container.

A judge (in each scenario's unit, scenarios/*.py) is a pure function from an observation (lab_observe.py) to
``{outcome_id: {'status': 'pass'|'fail', 'evidence': (key, params)}}``, the evidence a catalog key with its
parameters, so that it is said in the student's language by catalog.render. No I/O. Standard library only
(the `lab` command uses it).
"""

from __future__ import annotations


def result(ok, key, **params):
    return {'status': 'pass' if ok else 'fail', 'evidence': (key, params)}


def fail(key, params=None, **more):
    """A failure; params as a dict too, so that a (key, params) evidence pair can be passed as fail(*pair)."""
    return result(False, key, **dict(params or {}, **more))


def failed(evidence):
    """A failed outcome from an evidence pair (key, params), as container_problem returns it."""
    key, params = evidence
    return fail(key, **params)


def joined(parts):
    """Several evidence pairs said one after the other."""
    return ('list', {'items': parts})


def container_problem(observation, name):
    """Evidence that a container cannot be judged (missing, stopped, no process), or None."""
    container = (observation.get('containers') or {}).get(name)
    if container is None:
        return ('ev.missing', {'name': name})
    if not container['running']:
        return ('ev.not_running', {'name': name, 'state': container.get('state') or '?'})
    return None


def no_process(observation, name):
    """Why a running container shows no process: they could not be read, or there is none left."""
    error = ((observation.get('processes') or {}).get(name) or {}).get('error')
    return ('ev.read_error', {'name': name, 'error': error}) if error else ('ev.no_process', {'name': name})


def user_name(user):
    """Evidence of a host user name, or of a UID with no name in /etc/passwd."""
    return ('ev.users_user_name', {'user': user}) if user else ('ev.users_user_none', {})


def live_processes(observation, name):
    """(processes, None) of a running container, or (None, failed result) saying why there are none."""
    problem = container_problem(observation, name)
    if problem:
        return None, failed(problem)
    processes = ((observation.get('processes') or {}).get(name) or {}).get('processes') or []
    if not processes:
        return None, failed(no_process(observation, name))
    return processes, None


def own_namespace(observation, name, kind):
    """The container's namespace of kind (pid or net) is not the host's: (ok, inode, host inode)."""
    namespaces = observation.get('namespaces') or {}
    mine = (namespaces.get(name) or {}).get(kind)
    host = (namespaces.get('host') or {}).get(kind)
    return bool(mine and host and mine != host), mine or '?', host or '?'


def listening_on(entry, port):
    """TCP LISTEN sockets of a netns_socket_facts entry on port."""
    return [s for s in (entry or {}).get('tcp_listen') or [] if s.get('port') == port]
