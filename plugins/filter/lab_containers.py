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

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import LAB_LABEL, SPEC_LABEL


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
    the lab's (no ``microlab.lab`` label) is left out: the lab never replaces
    it, and lab_not_the_labs gives the refusal the role fails with first.
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
            continue  # not the lab's: never replaced (lab_not_the_labs says so first)
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


def lab_networks_to_create(specs, networks):
    """The network specs whose network is missing (a same-named network that is not the lab's is never touched:
    lab_not_the_labs refuses it first)."""
    seen = dict((network.get('Name'), network) for network in networks or [])
    missing = []
    for spec in specs or []:
        current = seen.get(spec['name'])
        if current is None:
            missing.append(spec)
    return missing


def _not_the_labs(specs, listed, key, lang):
    """The refusals, in lang, for the specs whose name a listed object has without the lab's label."""
    return [catalog.text(lang, key, name=spec['name']) for spec in specs or []
            if spec.get('name') in listed and LAB_LABEL not in (listed[spec['name']].get('Labels') or {})]


def lab_not_the_labs(container_specs, containers, network_specs=None, networks=None, lang='es'):
    """Why the lab stops, in the student's language, when a container or network of its names is not the lab's;
    '' when none is. The role fails with this text alone (a filter's own error would be wrapped in Ansible's English).
    """
    named = dict((network.get('Name'), network) for network in networks or [])
    return '\n'.join(_not_the_labs(container_specs, _by_name(containers), 'err.container_not_lab', lang)
                     + _not_the_labs(network_specs, named, 'err.network_not_lab', lang))


def _unit(scenario, name):
    if scenario not in scenarios.BY_NAME:
        raise AnsibleFilterError('%s: unknown scenario %r (one of %s)' % (name, scenario, ', '.join(scenarios.NAMES)))
    return scenarios.BY_NAME[scenario]


def lab_container_specs(inputs, scenario, images):
    """The containers a scenario starts (its unit in module_utils/scenarios/)."""
    return _unit(scenario, 'lab_container_specs').containers(inputs, images)


def lab_network_specs(inputs, scenario):
    """The user-defined networks a scenario creates."""
    return _unit(scenario, 'lab_network_specs').networks(inputs)


def lab_observe_options(inputs, scenario):
    """The option of microlab.docker_internals.lab_observe for a scenario, from the role's input."""
    _unit(scenario, 'lab_observe_options')
    return scenarios.observe_options(scenario, inputs)


def lab_scenario_plan(inputs, images):
    """What the scenarios make and what lab_observe reads, for several at once: {'containers', 'networks', 'observe'}.

    inputs: {scenario: its role's checked input}. A container or network two scenarios share (web_server) is made
    once, from the first scenario's spec (the chapter's order); 'observe' holds each scenario's lab_observe option.
    """
    if not isinstance(inputs, dict) or not isinstance(images, dict):
        raise AnsibleFilterError('lab_scenario_plan expects {scenario: input} and the image references')
    for scenario in inputs:
        _unit(scenario, 'lab_scenario_plan')
    plan = {'containers': [], 'networks': [], 'observe': {}}
    for unit in scenarios.in_order(inputs):
        plan['containers'] += unit.containers(inputs[unit.NAME], images)
        plan['networks'] += unit.networks(inputs[unit.NAME])
        plan['observe'][unit.NAME] = scenarios.observe_options(unit.NAME, inputs[unit.NAME])
    for kind in ('containers', 'networks'):
        firsts = {}
        for spec in plan[kind]:
            firsts.setdefault(spec['name'], spec)
        plan[kind] = list(firsts.values())
    return plan


def lab_scenarios_selected(inputs, run_tags, skip_tags):
    """The scenarios among inputs ({scenario: input}) that the run's tags select (ansible_run_tags and
    ansible_skip_tags: each scenario's tag is its name), in the chapter's order."""
    run, skip = set(run_tags or ['all']), set(skip_tags or [])
    return dict((unit.NAME, inputs[unit.NAME]) for unit in scenarios.in_order(inputs)
                if ('all' in run or unit.NAME in run) and unit.NAME not in skip)


class FilterModule:
    """Filters for the lab's containers."""

    def filters(self):
        return {
            'lab_containers_to_start': lab_containers_to_start,
            'lab_networks_to_create': lab_networks_to_create,
            'lab_not_the_labs': lab_not_the_labs,
            'lab_container_specs': lab_container_specs,
            'lab_network_specs': lab_network_specs,
            'lab_observe_options': lab_observe_options,
            'lab_scenario_plan': lab_scenario_plan,
            'lab_scenarios_selected': lab_scenarios_selected,
        }
