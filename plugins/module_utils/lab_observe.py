# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Observe the chapter's scenarios on this machine: one plain-data snapshot.

``observe(spec, scenarios, api)`` reads, in one go, what the judge
(lab_judge.py) needs: the named containers and networks through the Docker
Engine API, their processes with host and container UIDs, the sockets of the
nginx container's network namespace and of the host's, an HTTP GET from the
host by the container's IP, and curl run inside both clients through the
Docker exec API. The curl probes run in threads while the rest is read, so
curl's timeout is paid once. Nothing is changed on the machine.

The observation holds only JSON-friendly data, so it can be recorded and
replayed in unit tests. Every part that cannot be read is recorded with its
error instead of raising: the judge decides what it means. Standard library
only: the `lab` command on the student's VM imports this too.

The spec (``LabSpec`` in the lab_observe module's documentation)::

    {'users': {'root_container', 'uid_container', 'uid', 'userns_remap', 'remapped_container'},
     'nginx': {'container', 'port', 'http_timeout'},
     'network': {'name', 'server', 'bridge_client', 'lonely_client', 'timeout'}}
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, netns_sockets
from ansible_collections.microlab.docker_internals.plugins.module_utils import targets as target_utils
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError

SCENARIOS = ('users', 'nginx', 'network')
LAB_LABEL = 'microlab.lab'
CURL_WRITE_OUT = '%{http_code} %{time_total}'


def curl_argv(url, timeout):
    """curl as the clients run it: status code and time, or an exit code that says why not."""
    return ['curl', '--silent', '--show-error', '--output', '/dev/null', '--write-out', CURL_WRITE_OUT,
            '--max-time', str(timeout), url]


def container_names(spec, scenarios):
    """The containers the scenarios look at, in a stable order."""
    names = []
    if 'users' in scenarios:
        users = spec['users']
        names += [users['root_container'], users['uid_container']]
        if users.get('userns_remap'):
            names.append(users['remapped_container'])
    if 'nginx' in scenarios:
        names.append(spec['nginx']['container'])
    if 'network' in scenarios:
        network = spec['network']
        names += [network['server'], network['bridge_client'], network['lonely_client']]
    return list(dict.fromkeys(names))


def network_names(spec, scenarios):
    return ['bridge', spec['network']['name']] if 'network' in scenarios else []


def container_view(data):
    """The parts of `docker inspect` the judge reads."""
    state = data.get('State') or {}
    config = data.get('Config') or {}
    networks = (data.get('NetworkSettings') or {}).get('Networks') or {}
    return {
        'id': data.get('Id'),
        'name': (data.get('Name') or '').lstrip('/'),
        'state': state.get('Status'),
        'running': bool(state.get('Running')),
        'pid': state.get('Pid') or 0,
        'image': config.get('Image'),
        'user': config.get('User') or '',
        'labels': config.get('Labels') or {},
        'networks': dict((name, {'ip': net.get('IPAddress') or '', 'prefix': net.get('IPPrefixLen') or 0,
                                 'network_id': net.get('NetworkID') or ''})
                         for name, net in sorted(networks.items())),
    }


def network_view(data):
    """The parts of `docker network inspect` the judge reads."""
    options = data.get('Options') or {}
    ident = data.get('Id') or ''
    return {
        'id': ident,
        'name': data.get('Name'),
        'driver': data.get('Driver'),
        'labels': data.get('Labels') or {},
        'subnets': [c.get('Subnet') for c in ((data.get('IPAM') or {}).get('Config') or []) if c.get('Subnet')],
        'bridge': options.get('com.docker.network.bridge.name') or ('br-' + ident[:12] if ident else ''),
        'icc': options.get('com.docker.network.bridge.enable_icc', 'true') != 'false',
    }


def read_engine(api):
    """Whether the engine answers, and its version."""
    try:
        version = api.version()
    except (DockerAPIError, OSError) as exc:
        return {'reachable': False, 'error': str(exc)}
    return {'reachable': True, 'version': version.get('Version'), 'api_version': version.get('ApiVersion')}


def read_containers(api, names):
    return dict((name, _or_none(api.inspect_container(name), container_view)) for name in names)


def read_networks(api, names):
    return dict((name, _or_none(data, network_view)) for name, data in api.list_networks(names).items())


def _or_none(data, view):
    return view(data) if data else None


def bridge_ip(container):
    """The container's IP on the default bridge, or ''."""
    if not container or not container['running']:
        return ''
    return (container['networks'].get('bridge') or {}).get('ip') or ''


def first_ip(container):
    if not container or not container['running']:
        return ''
    return next((net['ip'] for net in container['networks'].values() if net['ip']), '')


def probe(api, client, url, timeout):
    """curl inside a client container; the result, or why it could not run."""
    try:
        rc, out, err = api.exec_run(client, curl_argv(url, timeout))
    except (DockerAPIError, OSError) as exc:
        return {'ran': False, 'url': url, 'error': str(exc)}
    fields = out.split()
    return {'ran': True, 'url': url, 'rc': rc, 'http_code': fields[0] if fields else '',
            'time': fields[1] if len(fields) > 1 else '', 'stderr': err.strip()}


def start_probes(api, spec, containers):
    """Threads running curl in each running client; {client: result} fills in as they end."""
    network = spec['network']
    results, threads = {}, []
    url = 'http://%s/' % bridge_ip(containers.get(network['server'])) if bridge_ip(containers.get(network['server'])) else ''
    for client in (network['bridge_client'], network['lonely_client']):
        if not url or not (containers.get(client) or {}).get('running'):
            results[client] = {'ran': False, 'url': url, 'error': 'not running' if url else 'no server IP'}
            continue
        thread = threading.Thread(target=lambda c=client: results.__setitem__(c, probe(api, c, url, network['timeout'])))
        thread.daemon = True
        thread.start()
        threads.append(thread)
    return results, threads


def read_processes(containers, names):
    """{name: container_uid_facts entry or {'error': ...}} for the running containers among names."""
    out = {}
    for name in names:
        container = containers.get(name)
        if not container or not container['running']:
            continue
        try:
            target = target_utils.container_target(name, container['id'], container['pid'])
            out[name] = container_processes.gather([target])[name]
        except (target_utils.TargetError, OSError) as exc:
            out[name] = {'error': str(exc)}
    return out


def read_sockets(container_name, container):
    """{'container': sockets entry or error, 'host': sockets entry or error}."""
    out = {}
    wanted = [('host', target_utils.host_target())]
    if container and container['running']:
        target = target_utils.container_target(container_name, container['id'], container['pid'])
        wanted.insert(0, ('container', target))
    for key, target in wanted:
        try:
            out[key] = netns_sockets.gather([target])[target['key']]
        except (target_utils.TargetError, OSError) as exc:
            out[key] = {'error': str(exc)}
    return out


def http_get(url, timeout):
    """Status of GET url from this host, or the error."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return {'url': url, 'status': response.status}
    except urllib.error.HTTPError as exc:
        return {'url': url, 'status': exc.code}
    except (urllib.error.URLError, OSError) as exc:
        return {'url': url, 'status': None, 'error': str(getattr(exc, 'reason', exc))}


def observe(spec, scenarios, api):
    """One observation of the scenarios (see the module docstring)."""
    scenarios = [s for s in SCENARIOS if s in scenarios]
    observation = {'scenarios': scenarios, 'engine': read_engine(api)}
    if not observation['engine']['reachable']:
        return observation
    try:
        containers = read_containers(api, container_names(spec, scenarios))
        observation['containers'] = containers
        observation['networks'] = read_networks(api, network_names(spec, scenarios))
    except (DockerAPIError, OSError) as exc:
        observation['engine'] = {'reachable': False, 'error': str(exc)}
        return observation
    probes, threads = start_probes(api, spec, containers) if 'network' in scenarios else ({}, [])
    observation['processes'] = read_processes(containers, list(containers))
    if 'nginx' in scenarios:
        nginx = spec['nginx']
        container = containers.get(nginx['container'])
        observation['sockets'] = read_sockets(nginx['container'], container)
        ip = first_ip(container)
        observation['http'] = http_get('http://%s:%s/' % (ip, nginx['port']), nginx['http_timeout']) if ip else None
    for thread in threads:
        thread.join()
    observation['probes'] = probes
    return observation
