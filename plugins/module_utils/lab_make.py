# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make what the scenarios of a run need on the VM, in one module call: directories, networks, containers.

A re-run costs one listing of the engine: each container carries a hash of the spec it was started from (label
``microlab.lab.spec``, the way Compose labels its config hash), so a running container with the same hash, image
and network is left alone. What is missing is made at once: the containers' creates and starts run in threads,
each on its own connection to the engine, so a fresh VM pays about one container's time, not eight.

Nothing that is not the lab's is touched: a same-named container or network without the ``microlab.lab`` label
is refused (the whole run, before anything changes), and a directory that is a symbolic link is never followed.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import threading
from urllib.parse import quote

from ansible_collections.microlab.docker_internals.plugins.module_utils import atomic_file, catalog, procfs, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import LAB_LABEL, SPEC_LABEL


Refused = catalog.Refused


# Plan: what to make, from the specs and one listing ------------------------------------------------


def spec_hash(spec):
    """A stable hash of one container spec: key order and options left empty ('', [], None) do not matter."""
    given = dict((key, value) for key, value in spec.items() if value not in ('', [], None))
    return hashlib.sha1(json.dumps(given, sort_keys=True, separators=(',', ':')).encode('utf-8')).hexdigest()


def by_name(containers):
    """Index an engine container listing (GET /containers/json) by name."""
    seen = {}
    for container in containers or []:
        for name in container.get('Names') or []:
            seen[name.lstrip('/')] = container
    return seen


def containers_to_start(specs, containers):
    """The specs whose container is missing, stopped, or not as specified, each with ``labels`` extended with its
    spec hash and ``recreate`` set when a container of that name exists and is not merely stopped.

    Not as specified: started from another spec or image, or attached to other networks than the spec's
    ``network`` (the default bridge when empty), as after its network was deleted and made again. A container of
    that name that is not the lab's is left out: the lab never replaces it (refusals() names it).
    """
    seen = by_name(containers)
    to_start = []
    for spec in specs:
        wanted = spec_hash(spec)
        current = seen.get(spec['name'])
        labels = (current or {}).get('Labels') or {}
        if current is not None and LAB_LABEL not in labels:
            continue
        if current is None:
            as_specified = running = False
        else:
            networks = sorted(((current.get('NetworkSettings') or {}).get('Networks') or {}).keys())
            as_specified = (labels.get(SPEC_LABEL) == wanted and current.get('Image') == spec.get('image')
                            and networks == [spec.get('network') or 'bridge'])
            running = current.get('State') == 'running'
        if not (as_specified and running):
            to_start.append(dict(spec, labels=dict(spec.get('labels') or {}, **{SPEC_LABEL: wanted}),
                                 recreate=current is not None and not as_specified))
    return to_start


def networks_to_create(specs, networks):
    """The network specs whose network is missing (a same-named one that is not the lab's is refused first)."""
    named = set(network.get('Name') for network in networks or [])
    return [spec for spec in specs or [] if spec['name'] not in named]


def refusals(container_specs, containers, network_specs, networks, lang):
    """The sentences, in lang, for each container or network of the lab's names that is not the lab's."""
    def theirs(specs, listed, key):
        return [catalog.text(lang, key, name=spec['name']) for spec in specs or []
                if spec['name'] in listed and LAB_LABEL not in (listed[spec['name']].get('Labels') or {})]
    named = dict((network.get('Name'), network) for network in networks or [])
    return (theirs(container_specs, by_name(containers), 'err.container_not_lab')
            + theirs(network_specs, named, 'err.network_not_lab'))


# Directories: made or corrected without following a link ------------------------------------------


def _open_dir(path):
    """A descriptor of the directory path itself (O_NOFOLLOW): a link or a non-directory raises OSError."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def directory_changes(spec, lang):
    """What making spec ({path, owner, mode}) would change: [] when it is as specified, ['create'] when missing,
    else the attributes to correct ('owner', 'mode'). Raises Refused when path is a link or not a directory."""
    try:
        found = os.lstat(spec['path'])
    except FileNotFoundError:
        return ['create']
    if stat.S_ISLNK(found.st_mode):
        raise Refused(catalog.text(lang, 'err.dir_is_link', path=spec['path']))
    if not stat.S_ISDIR(found.st_mode):
        raise Refused(catalog.text(lang, 'err.dir_not_dir', path=spec['path']))
    changes = []
    if (found.st_uid, found.st_gid) != (spec['owner'], spec['owner']):
        changes.append('owner')
    if stat.S_IMODE(found.st_mode) != spec['mode']:
        changes.append('mode')
    return changes


def make_directory(spec):
    """Make spec's directory (parents 0755, as root) with its owner (user and group) and exact mode."""
    path = spec['path']
    if not os.path.lexists(path):
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        os.mkdir(path, 0o700)
    descriptor = _open_dir(path)
    try:
        os.fchown(descriptor, spec['owner'], spec['owner'])
        os.fchmod(descriptor, spec['mode'])
    finally:
        os.close(descriptor)


# What the lab made: only the directories it created (not one it found, like an instructor's share_dir), so that
# playbooks/reset.yml removes exactly these.
MADE_DIRECTORIES = '/var/lib/microlab/made-directories.json'
MAX_RECORD = 64 * 1024


def _allowed(path):
    return isinstance(path, str) and path.startswith('/') and os.path.normpath(path) == path and path != '/'


def read_made(record):
    """The directories record lists: a JSON list of absolute, normalized paths. A record that is missing, not a
    regular file (a link, a FIFO), too long or not such a list is empty; an entry that is not such a path is left
    out."""
    try:
        data = json.loads(procfs.safe_read(record, limit=MAX_RECORD).decode('utf-8'))
    except (OSError, ValueError, RecursionError):
        return []
    return [path for path in data if _allowed(path)] if isinstance(data, list) else []


def write_made(record, paths):
    """Write record whole (atomic_file: a new file renamed into place, never through a link); none left: remove it."""
    if not paths:
        if os.path.lexists(record):
            os.unlink(record)
        return
    os.makedirs(os.path.dirname(record), mode=0o755, exist_ok=True)
    atomic_file.write(record, json.dumps(sorted(set(paths))), 0o600)


def remove_made(record, check_mode=False):
    """Remove the directories record lists, deepest first, with what is in them, then the record. A path that is
    now a link or not a directory is only forgotten: nothing is followed. Returns the paths removed (or, in check
    mode, that would be)."""
    removed = []
    for path in sorted(read_made(record), key=lambda path: (-path.count('/'), path)):
        try:
            found = os.lstat(path)
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(found.st_mode):
            continue
        removed.append(path)
        if not check_mode:
            shutil.rmtree(path)  # fd-based on Linux: it never follows a link inside the tree
    if not check_mode:
        write_made(record, [])
    return removed


# Engine ------------------------------------------------------------------------------------------


def create_body(spec):
    """The body of POST /containers/create for spec, as `docker run -d` would send it."""
    host = {'Binds': list(spec.get('volumes') or []), 'NetworkMode': spec.get('network') or 'default'}
    if spec.get('userns_mode'):
        host['UsernsMode'] = spec['userns_mode']
    if spec.get('memory'):
        host['Memory'] = spec['memory']
    body = {'Image': spec['image'], 'Entrypoint': spec['entrypoint'], 'Cmd': spec['command'],
            'Labels': spec['labels'], 'HostConfig': host}
    if spec.get('user'):
        body['User'] = spec['user']
    if spec.get('network'):
        body['NetworkingConfig'] = {'EndpointsConfig': {spec['network']: {}}}
    return body


def _call(api, method, path, body=None, ok=(200, 201, 204, 304)):
    status, data = api.request(method, path, body)
    if status not in ok:
        raise DockerAPIError('%s %s: %s %s' % (method, path.split('?')[0], status, (data or {}).get('message', '')))
    return data


def start_container(api, spec, exists):
    """Start spec's container: a stopped one as specified is started; one not as specified is removed first."""
    name = quote(spec['name'], safe='')
    if exists and spec['recreate']:
        _call(api, 'DELETE', '/containers/%s?force=1' % name, ok=(204, 404))
    if not exists or spec['recreate']:
        _call(api, 'POST', '/containers/create?name=%s' % name, create_body(spec))
    _call(api, 'POST', '/containers/%s/start' % name)


def _in_threads(jobs):
    """Run jobs (callables) at once; the first error, once all have ended."""
    errors = []

    def run(job):
        try:
            job()
        except Exception as exc:  # pylint: disable=broad-except  # reported below, with the others' work done
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def make(api_factory, plan, lang, check_mode=False, record=MADE_DIRECTORIES):
    """Make what plan ({'directories', 'networks', 'containers', 'outside'}) says and is missing.

    api_factory() returns a connected DockerAPI; every thread has its own. Returns {'changed', 'directories',
    'networks', 'containers', 'outside'}: what was (or, in check mode, would be) made or corrected, by name. Raises
    Refused before anything changes when a same-named object is not the lab's or a directory is a link. The
    directories it creates are added to record. 'outside' ({scenario: spec}) is what a unit makes outside the engine
    (its ``OUTSIDE``): asked first what it would make (its refusals come then), made last, after the containers it
    may need.
    """
    api = api_factory()
    try:
        listed_containers = _call(api, 'GET', '/containers/json?all=1') or []
        listed_networks = _call(api, 'GET', '/networks') or []
    finally:
        api.close()
    refused = refusals(plan['containers'], listed_containers, plan['networks'], listed_networks, lang)
    directories = [(spec, directory_changes(spec, lang)) for spec in plan.get('directories') or []]
    if refused:
        raise Refused('\n'.join(refused))
    created = [spec['path'] for spec, changes in directories if changes == ['create']]
    directories = [spec for spec, changes in directories if changes]
    networks = networks_to_create(plan['networks'], listed_networks)
    containers = containers_to_start(plan['containers'], listed_containers)
    outside = scenarios.make_outside(api_factory, plan.get('outside') or {}, lang, check_mode=True)
    done = {'changed': bool(directories or networks or containers or outside),
            'directories': [spec['path'] for spec in directories], 'networks': [spec['name'] for spec in networks],
            'containers': [spec['name'] for spec in containers], 'outside': outside}
    if check_mode:
        return done
    if created:
        write_made(record, read_made(record) + created)
    for spec in directories:
        make_directory(spec)
    if networks:
        api = api_factory()
        try:
            for spec in networks:
                _call(api, 'POST', '/networks/create', {'Name': spec['name'], 'Labels': spec['labels'],
                                                        'CheckDuplicate': True})
        finally:
            api.close()
    existing = by_name(listed_containers)
    _in_threads([_starter(api_factory, spec, spec['name'] in existing) for spec in containers])
    if outside:
        done['outside'] = scenarios.make_outside(api_factory, plan['outside'], lang)
    return done


def _starter(api_factory, spec, exists):
    def job():
        api = api_factory()
        try:
            start_container(api, spec, exists)
        finally:
            api.close()
    return job
