# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan of a run: what the scenarios of the run make (containers, networks,
directories), which microlab.docker_internals.lab_make makes in one call, and
what microlab.docker_internals.lab_observe observes. Each scenario's unit
(plugins/module_utils/scenarios/) declares its part.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios


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
    """What the scenarios make and what lab_observe reads, for several at once:
    {'containers', 'networks', 'directories', 'outside', 'observe'}.

    inputs: {scenario: its role's checked input}. A container, network or directory two scenarios share (web_server)
    is made once, from the first scenario's spec (the chapter's order); 'observe' holds each scenario's lab_observe
    option.
    """
    if not isinstance(inputs, dict) or not isinstance(images, dict):
        raise AnsibleFilterError('lab_scenario_plan expects {scenario: input} and the image references')
    for scenario in inputs:
        _unit(scenario, 'lab_scenario_plan')
    plan = {'containers': [], 'networks': [], 'directories': [], 'observe': {}}
    for unit in scenarios.in_order(inputs):
        plan['containers'] += unit.containers(inputs[unit.NAME], images)
        plan['networks'] += unit.networks(inputs[unit.NAME])
        plan['directories'] += unit.directories(inputs[unit.NAME])
        plan['observe'][unit.NAME] = scenarios.observe_options(unit.NAME, inputs[unit.NAME])
    plan['outside'] = scenarios.outside_specs(inputs, images)
    for kind, key in (('containers', 'name'), ('networks', 'name'), ('directories', 'path')):
        firsts = {}
        for spec in plan[kind]:
            firsts.setdefault(spec[key], spec)
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
            'lab_container_specs': lab_container_specs,
            'lab_network_specs': lab_network_specs,
            'lab_observe_options': lab_observe_options,
            'lab_scenario_plan': lab_scenario_plan,
            'lab_scenarios_selected': lab_scenarios_selected,
        }
