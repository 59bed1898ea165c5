# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The chapter's scenarios, one Python unit each, and the registry that runs them.

A unit (users.py, nginx.py, network.py, files.py, overlay.py, scratch.py) is a module with:

- ``NAME``, ``ROLE`` (the role that runs it) and ``OPTIONS`` ({name: options.Option}, declared once);
  ``RULES``, what the role's argument spec cannot say of its variables, as input_rules checks them
  ((kind, *arguments) tuples; input_rules.CHECKS has a check per kind);
- make: ``containers(inputs, images)``, ``networks(inputs)`` and ``directories(inputs)``, the specs lab_make makes;
  ``OUTSIDE``, None or what makes and removes the scenario's part outside the engine (a process, links, a cgroup,
  what its `lab solve` mounted): ``spec(inputs, images)`` (plain data, lab_make's option ``outside``; None when the
  demo makes nothing there), ``make(api_factory, spec, lang, check_mode)`` and ``remove(check_mode)`` (reset.yml,
  the demo's part and `lab solve`'s), each returning what it made or removed, found again by the lab's marks (never
  by a name alone), raising catalog.Refused for what has the lab's names but is not the lab's;
- observe: ``container_names(options)``, ``network_names(options)``; ``start(api, options, containers)``,
  which starts anything slow (threads) and returns a function completing the observation, or None;
  ``read(options, containers, observation)`` for the rest (processes and namespaces are read for all);
- judge: ``OUTCOMES``, ``OPTIONAL_OUTCOMES`` (recorded only with some options), ``outcome_ids(options)``
  and ``judge(observation, options)`` -> {outcome id: result}; ``PROBE_TIMEOUT``, the option bounding a probe;
- explain: ``explain_params(options, observation, images)`` (the catalog texts' placeholders under
  ``<NAME>.title``, ``.done``, ``.look``, ``.commands``, ``.why``, ``.notes``, ``.errata``) and
  ``explain_more(say, lang, options, observation)``, lines added after ``why``;
- challenge: ``STEPS`` (ids in the chapter's order, texts under ``ch.<step>.``), ``NEEDS`` (the parts of the
  observation they need), ``challenge_networks(config)``, ``challenge_start(observation, config, runner)`` and
  ``challenge_read(observation, config, proc)`` (its part of `lab check`'s observation, challenge/observe.py),
  ``judge_steps(observation, config, steps)``, ``SOLVE`` ({step: action names}), ``ACTIONS`` ({name:
  function returning the docker argv `lab solve` runs}) and ``challenge_reset(config, proc)`` ((names, docker argv
  lists) undoing what `lab solve` made outside the engine, such as a mount).

Nothing outside a unit branches on a scenario's name: this registry iterates over ``UNITS``. Adding a scenario
is adding its unit here (docs/adding-a-scenario.md). Standard library only.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge, lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import files, network, nginx, overlay, scratch, users
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import options as option_utils

# The chapter's order.
UNITS = (users, nginx, network, files, overlay, scratch)
NAMES = tuple(unit.NAME for unit in UNITS)
BY_NAME = dict((unit.NAME, unit) for unit in UNITS)
# Every outcome a scenario can record, by scenario (its optional ones included), in order.
OUTCOMES = dict((unit.NAME, unit.OUTCOMES + unit.OPTIONAL_OUTCOMES) for unit in UNITS)


def in_order(names):
    """The units named, in the chapter's order (unknown names ignored)."""
    return [unit for unit in UNITS if unit.NAME in names]


def argument_spec():
    """lab_observe's options, one dict option per scenario, built from the units' declarations."""
    return dict((unit.NAME, dict(type='dict', default={}, options=option_utils.argument_spec(unit.OPTIONS),
                                 apply_defaults=True))
                for unit in UNITS)


def default_spec():
    """{scenario: its observed options' defaults}: what lab_observe observes when given no option."""
    return dict((unit.NAME, option_utils.defaults(unit.OPTIONS)) for unit in UNITS)


def observe_options(name, inputs):
    """lab_observe's option of scenario name from its role's checked input."""
    return option_utils.observed(BY_NAME[name].OPTIONS, inputs)


def api_timeout(spec):
    """Seconds the Docker API may take: the slowest probe (a unit's ``PROBE_TIMEOUT`` option) plus margin."""
    return max([30] + [spec[unit.NAME][unit.PROBE_TIMEOUT] + 10 for unit in UNITS if unit.PROBE_TIMEOUT])


def outcome_ids(spec, names):
    """The outcome ids the scenarios record, in the order of names."""
    ids = []
    for name in names:
        ids += BY_NAME[name].outcome_ids(spec[name])
    return ids


def _unique(names):
    return list(dict.fromkeys(names))


def outside_specs(inputs, images):
    """{scenario: what its unit makes outside the engine} for the scenarios of inputs that make anything there."""
    specs = ((unit.NAME, unit.OUTSIDE.spec(inputs[unit.NAME], images)) for unit in in_order(inputs) if unit.OUTSIDE)
    return dict((name, spec) for name, spec in specs if spec is not None)


def make_outside(api_factory, specs, lang, check_mode=False):
    """Make what the units make outside the engine ({scenario: spec}); what was (would be) made, as 'scenario: part'."""
    return ['%s: %s' % (unit.NAME, part) for unit in in_order(specs) if unit.OUTSIDE
            for part in unit.OUTSIDE.make(api_factory, specs[unit.NAME], lang, check_mode)]


def remove_outside(check_mode=False):
    """Remove what every unit made outside the engine (found by its marks); what went (would go)."""
    return ['%s: %s' % (unit.NAME, part) for unit in UNITS if unit.OUTSIDE for part in unit.OUTSIDE.remove(check_mode)]


def container_names(spec, names):
    """The containers the scenarios look at, in a stable order."""
    return _unique(name for unit in in_order(names) for name in unit.container_names(spec[unit.NAME]))


def observe(spec, names, api):
    """One observation of the scenarios: the containers and networks through the Docker Engine API, their
    processes and namespaces, then what each scenario reads; slow probes (curl) run in threads meanwhile.

    Plain data, recordable for tests; every part that cannot be read is recorded with its error.
    """
    units = in_order(names)
    observation = {'scenarios': [unit.NAME for unit in units], 'engine': lab_observe.read_engine(api)}
    if not observation['engine']['reachable']:
        return observation
    try:
        found = lab_observe.read_containers(api, container_names(spec, names))
        observation['containers'] = found
        observation['networks'] = lab_observe.read_networks(
            api, _unique(name for unit in units for name in unit.network_names(spec[unit.NAME])))
    except (DockerAPIError, OSError) as exc:
        observation['engine'] = {'reachable': False, 'error': str(exc)}
        return observation
    finishing = [unit.start(api, spec[unit.NAME], found) for unit in units]
    observation['processes'] = lab_observe.read_processes(found, list(found))
    observation['namespaces'] = lab_observe.read_namespaces(found)
    for unit in units:
        unit.read(spec[unit.NAME], found, observation)
    for finish in finishing:
        if finish:
            finish(observation)
    return observation


def judge(observation, spec):
    """{outcome id: {'status', 'evidence'}} for every scenario observed."""
    names = observation.get('scenarios') or []
    engine = observation.get('engine') or {}
    if not engine.get('reachable'):
        down = lab_judge.fail('ev.engine_down', error=engine.get('error') or '?')
        return dict((oid, down) for oid in outcome_ids(spec, names))
    results = {}
    for unit in in_order(names):
        judged = unit.judge(observation, spec[unit.NAME])
        results.update((oid, judged[oid]) for oid in unit.outcome_ids(spec[unit.NAME]))
    return results


def failed(results):
    """Ids of the outcomes that did not pass, sorted."""
    return sorted(oid for oid, result in results.items() if result['status'] != 'pass')
