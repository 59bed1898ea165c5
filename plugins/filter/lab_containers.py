# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab's containers and networks: what each scenario makes, and which of
them need community.docker.docker_container or docker_network at all.

A re-run of the lab should cost one listing of the engine, not one module call
per container: each container carries a hash of the spec it was started from
(label ``microlab.lab.spec``, the way Compose labels its config hash), so a
running container with the same hash and image is left alone.
"""

from __future__ import annotations

import hashlib
import json

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_specs

SPEC_LABEL = 'microlab.lab.spec'
LAB_LABEL = lab_specs.LAB_LABEL


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


def lab_containers_to_start(specs, containers, lang='es'):
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
            raise AnsibleFilterError(catalog.text(lang, 'err.container_not_lab', name=spec['name']))
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


def lab_networks_to_create(specs, networks, lang='es'):
    """The network specs whose network is missing; an error for a same-named network that is not the lab's."""
    seen = dict((network.get('Name'), network) for network in networks or [])
    missing = []
    for spec in specs or []:
        current = seen.get(spec['name'])
        if current is None:
            missing.append(spec)
        elif LAB_LABEL not in (current.get('Labels') or {}):
            raise AnsibleFilterError(catalog.text(lang, 'err.network_not_lab', name=spec['name']))
    return missing


def lab_container_specs(inputs, scenario, images):
    """The containers a scenario starts (see module_utils/lab_specs.py)."""
    return lab_specs.container_specs(scenario, inputs, images)


def lab_network_specs(inputs, scenario):
    """The user-defined networks a scenario creates."""
    return lab_specs.network_specs(scenario, inputs)


def lab_observe_options(inputs, scenario):
    """The option of microlab.docker_internals.lab_observe for a scenario, from the role's input."""
    return lab_specs.observe_options(scenario, inputs)


class FilterModule:
    """Filters for the lab's containers."""

    def filters(self):
        return {
            'lab_containers_to_start': lab_containers_to_start,
            'lab_networks_to_create': lab_networks_to_create,
            'lab_container_specs': lab_container_specs,
            'lab_network_specs': lab_network_specs,
            'lab_observe_options': lab_observe_options,
        }
