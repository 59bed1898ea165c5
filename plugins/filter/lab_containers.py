# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab's containers: which need community.docker.docker_container at all,
and the listing kept up to date with what was just started.

A re-run of the lab should cost one listing of the engine, not one module call
per container: each container carries a hash of the spec it was started from
(label ``microlab.lab.spec``, the way Compose labels its config hash), so a
running container with the same hash and image is left alone.
"""

from __future__ import annotations

import hashlib
import json

from ansible.errors import AnsibleFilterError

SPEC_LABEL = 'microlab.lab.spec'
LAB_LABEL = 'microlab.lab'


def spec_hash(spec):
    """A stable hash of one container spec (key order does not matter)."""
    return hashlib.sha1(json.dumps(spec, sort_keys=True, separators=(',', ':')).encode('utf-8')).hexdigest()


def _by_name(containers):
    """Index a docker_host_info container listing (verbose) by name."""
    seen = {}
    for container in containers or []:
        for name in container.get('Names') or []:
            seen[name.lstrip('/')] = container
    return seen


def lab_containers_to_start(specs, containers):
    """Return the specs whose container is missing, stopped, or not as specified.

    Not as specified: started from another spec or image, or attached to other
    networks than the spec's ``network`` (the default bridge when empty), for
    example after its network was deleted and made again. Each returned spec
    has its ``labels`` extended with the spec hash and ``recreate`` set when a
    container exists that is not merely stopped, ready for
    community.docker.docker_container. A container of that name that is not
    the lab's (no ``microlab.lab`` label) is an error: the lab never replaces it.
    """
    if not isinstance(specs, list) or not all(isinstance(spec, dict) and spec.get('name') for spec in specs):
        raise AnsibleFilterError('lab_containers_to_start expects a list of container specs, each a dict with a name')
    seen = _by_name(containers)
    to_start = []
    for spec in specs:
        wanted = spec_hash(spec)
        current = seen.get(spec['name'])
        labels = (current or {}).get('Labels') or {}
        if current is not None and LAB_LABEL not in labels:
            raise AnsibleFilterError(
                "A container named %s already exists and is not the lab's (it has no %s label), so the lab will not "
                "replace it. Rename it (docker rename %s %s-mine) or give the lab's container another name."
                % (spec['name'], LAB_LABEL, spec['name'], spec['name']))
        if current is None:
            as_specified = running = False
        else:
            networks = sorted(((current.get('NetworkSettings') or {}).get('Networks') or {}).keys())
            as_specified = (
                labels.get(SPEC_LABEL) == wanted
                and current.get('Image') == spec.get('image')
                and networks == [spec.get('network') or 'bridge']
            )
            running = current.get('State') == 'running'
        if not (as_specified and running):
            to_start.append(dict(spec, labels=dict(spec.get('labels') or {}, **{SPEC_LABEL: wanted}),
                                 recreate=current is not None and not as_specified))
    return to_start


def _as_listed(inspected):
    """A container as docker_container returns it (inspect) in the shape of a listing entry."""
    config = inspected.get('Config') or {}
    return {
        'Id': inspected.get('Id'),
        'Names': ['/' + (inspected.get('Name') or '').lstrip('/')],
        'Image': config.get('Image'),
        'ImageID': inspected.get('Image'),
        'State': (inspected.get('State') or {}).get('Status'),
        'Labels': config.get('Labels') or {},
        'NetworkSettings': {'Networks': (inspected.get('NetworkSettings') or {}).get('Networks') or {}},
    }


def lab_listing_update(containers, results):
    """Replace or add the containers that a docker_container loop just started, so no second listing is needed."""
    started = [_as_listed(result['container']) for result in results or [] if isinstance(result, dict)
               and isinstance(result.get('container'), dict) and result['container'].get('Name')]
    names = {name for entry in started for name in entry['Names']}
    kept = [entry for entry in containers or [] if not names.intersection(entry.get('Names') or [])]
    return kept + started


class FilterModule:
    """Filters for the lab's containers."""

    def filters(self):
        return {'lab_containers_to_start': lab_containers_to_start, 'lab_listing_update': lab_listing_update}
