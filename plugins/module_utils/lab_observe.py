# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read what the scenarios teach on this machine: the kernel's and the engine's views, as plain data.

Readers every scenario unit (scenarios/*.py) uses: the named containers and networks through the Docker
Engine API, their processes with host and container UIDs, the sockets of a network namespace and of the
host's, an HTTP GET from the host by a container's IP, curl run inside a container through the Docker exec
API (in a thread: see ``in_thread``), sysfs links, namespace inodes and a file's owner. scenarios.observe puts
them together into one observation. Nothing is changed on the machine.

The observation holds only JSON-friendly data, so it can be recorded and replayed in unit tests. Every part
that cannot be read is recorded with its error instead of raising: the judge decides what it means. Standard
library only: the `lab` command on the student's VM imports this too.
"""

from __future__ import annotations

import http.client
import os
import pwd
import stat
import threading
import urllib.parse

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, netns_sockets
from ansible_collections.microlab.docker_internals.plugins.module_utils import targets as target_utils
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError, published
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_time import utc_seconds
from ansible_collections.microlab.docker_internals.plugins.module_utils.netns import host_ns_path

CURL_WRITE_OUT = '%{http_code} %{time_total}'
# The mounts of a container kept in its view (anyone in the docker group may add more).
MAX_MOUNTS = 32


def curl_argv(url, timeout):
    """curl as the clients run it: status code and time, or an exit code that says why not; no proxy."""
    return ['curl', '--silent', '--show-error', '--noproxy', '*', '--output', '/dev/null', '--write-out', CURL_WRITE_OUT,
            '--max-time', str(timeout), url]


def published_ports(data):
    """Container ports bound on the host: by -p (HostConfig.PortBindings) or by -P, which binds every exposed
    port at start (only NetworkSettings.Ports shows those)."""
    return sorted(set(published((data.get('HostConfig') or {}).get('PortBindings')))
                  | set(published((data.get('NetworkSettings') or {}).get('Ports'))))


def container_view(data):
    """The parts of `docker inspect` the judge reads."""
    state = data.get('State') or {}
    config = data.get('Config') or {}
    networks = (data.get('NetworkSettings') or {}).get('Networks') or {}
    host_config = data.get('HostConfig') or {}
    return {
        'id': data.get('Id'),
        'image_id': data.get('Image') or '',
        'network_mode': host_config.get('NetworkMode') or '',
        'ports': published_ports(data),
        'name': (data.get('Name') or '').lstrip('/'),
        'state': state.get('Status'),
        'running': bool(state.get('Running')),
        'pid': state.get('Pid') or 0,
        'image': config.get('Image'),
        'user': config.get('User') or '',
        'labels': config.get('Labels') or {},
        'mounts': [{'type': mount.get('Type') or '', 'source': mount.get('Source') or '',
                    'destination': mount.get('Destination') or ''} for mount in (data.get('Mounts') or [])[:MAX_MOUNTS]],
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
        'internal': bool(data.get('Internal')),
        'labels': data.get('Labels') or {},
        'subnets': [c.get('Subnet') for c in ((data.get('IPAM') or {}).get('Config') or []) if c.get('Subnet')],
        'bridge': options.get('com.docker.network.bridge.name') or ('br-' + ident[:12] if ident else ''),
        'icc': options.get('com.docker.network.bridge.enable_icc', 'true') != 'false',
        'created': utc_seconds(data.get('Created')),
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
    except (DockerAPIError, OSError, http.client.HTTPException) as exc:
        return {'ran': False, 'url': url, 'error': str(exc)}
    fields = out.split()
    return {'ran': True, 'url': url, 'rc': rc, 'http_code': fields[0] if fields else '',
            'time': fields[1] if len(fields) > 1 else '', 'stderr': err.strip()}


# What a client shows of its own network, the chapter's `ip a` step: the host-side
# index of its eth0's veth peer, then `ip -brief address` (when the image has ip).
INTERFACES_ARGV = ['sh', '-c', 'cat /sys/class/net/eth0/iflink; ip -brief address 2>/dev/null || true']


def interfaces(api, client):
    """The client's eth0 peer index and its `ip -brief address` lines, or the error."""
    try:
        rc, out, err = api.exec_run(client, INTERFACES_ARGV)
    except (DockerAPIError, OSError, http.client.HTTPException) as exc:
        return {'error': str(exc)}
    lines = out.splitlines()
    peer = lines[0].strip() if lines else ''
    return {'eth0_peer_index': int(peer) if peer.isdigit() else None,
            'ip_brief': [' '.join(line.split()) for line in lines[1:] if line.strip()],
            'error': err.strip() if rc else None}


def in_thread(results, key, function, *args):
    """function(*args) in a daemon thread, its value stored as results[key]; the thread."""
    thread = threading.Thread(target=lambda: results.__setitem__(key, function(*args)))
    thread.daemon = True
    thread.start()
    return thread


def host_links(sys_class_net='/sys/class/net'):
    """{ifindex as text: {'name', 'master'}} of the host's interfaces, from sysfs (no link is followed into a container)."""
    links = {}
    try:
        names = sorted(os.listdir(sys_class_net))
    except OSError:
        return links
    for name in names:
        try:
            with open(os.path.join(sys_class_net, name, 'ifindex')) as handle:
                index = int(handle.read().strip())
        except (OSError, ValueError):
            continue
        master = os.path.join(sys_class_net, name, 'master')
        links[str(index)] = {'name': name, 'master': os.path.basename(os.readlink(master)) if os.path.islink(master) else ''}
    return links


def namespace_inode(pid, kind):
    """Inode of /proc/PID/ns/KIND, or None."""
    return _inode('/proc/%d/ns/%s' % (pid, kind))


def _inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def read_namespaces(containers):
    """The pid and net namespace inodes of each running container and of the host (PID 1)."""
    out = {'host': dict((kind, _inode(host_ns_path(kind))) for kind in ('pid', 'net'))}
    for name, container in containers.items():
        if container and container['running']:
            out[name] = {'pid': namespace_inode(container['pid'], 'pid'), 'net': namespace_inode(container['pid'], 'net')}
    return out


def read_file_owner(path):
    """Owner of path as the host sees it, without following a link; whether that UID has a name."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return {'path': path, 'exists': False, 'error': exc.strerror}
    try:
        user = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        user = None
    return {'path': path, 'exists': True, 'regular': stat.S_ISREG(info.st_mode), 'uid': info.st_uid,
            'gid': info.st_gid, 'user': user}


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
    """Status of GET url from this host, or the error.

    Straight to the address with http.client: no proxy from the environment
    may stand between the host and the container's IP.
    """
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request('GET', parts.path or '/', headers={'User-Agent': 'microlab-lab-observe'})
        return {'url': url, 'status': connection.getresponse().status}
    except (http.client.HTTPException, OSError) as exc:
        return {'url': url, 'status': None, 'error': str(exc) or exc.__class__.__name__}
    finally:
        connection.close()
