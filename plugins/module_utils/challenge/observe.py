# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode's observation: what the kernel and the engine show, for the steps asked.

Every running container and its processes' host UIDs for all; then each scenario whose steps are asked reads
its part (its unit's ``challenge_start``, started first when slow, and ``challenge_read``). Plain data,
recordable for tests. The same code runs in the `lab` command on the VM (lab_cli.py) and in the module
microlab.docker_internals.lab_challenge_facts that verify.yml calls as root, so a student cannot fake a pass by
editing the progress file. Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_observe, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import readers
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import PART, STEP_IDS, needs
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError


def observe(api, config, steps=STEP_IDS, runner=None, proc='/proc', runs=()):
    """One observation of what the steps need (plain data, recordable for tests).

    runs: the recorded runs of this judging session (lab_recorder), kept as they are in the observation; or a
    function returning them, called last: the probes take seconds, time for the recorder to write down the
    `docker run --rm` the student typed just before `lab check`.
    """
    observation = {'scenarios': [], 'engine': lab_observe.read_engine(api), 'runs': []}
    _observe_live(api, config, steps, runner, proc, observation)
    observation['runs'] = list(runs() if callable(runs) else runs)
    return observation


def _observe_live(api, config, steps, runner, proc, observation):
    """Fill observation with the live state: containers, networks, processes, then each scenario's part."""
    if not observation['engine']['reachable']:
        return observation
    try:
        containers = readers.read_containers(api, config)
        observation['containers'] = containers
        observation['networks'] = lab_observe.read_networks(
            api, list(dict.fromkeys(name for unit in scenarios.UNITS for name in unit.challenge_networks(config))))
    except (DockerAPIError, OSError) as exc:
        observation['engine'] = {'reachable': False, 'error': str(exc)}
        return observation
    observation['processes'] = readers.read_processes(containers, proc) if 'processes' in needs(steps) else {}
    units = scenarios.in_order(set(PART[step] for step in steps))
    finishing = [unit.challenge_start(observation, config, runner) for unit in units]
    for unit in units:
        unit.challenge_read(observation, config, proc)
    for finish in finishing:
        if finish:
            finish()
    return observation
