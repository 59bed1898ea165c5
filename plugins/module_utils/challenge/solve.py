# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`lab solve`: the docker commands that make a step pass, from the actions each scenario's unit declares
(``SOLVE`` per step, ``ACTIONS`` by name). Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios

SOLVE = dict((step, actions) for unit in scenarios.UNITS for step, actions in unit.SOLVE.items())
ACTIONS = dict((name, action) for unit in scenarios.UNITS for name, action in unit.ACTIONS.items())


def solve_plan(step, observation, config, results):
    """[(action, docker argv)] that make step pass, in order (make.StepError when the lab must not do it)."""
    plan = []
    for action in SOLVE[step]:
        plan += [(action, argv) for argv in ACTIONS[action](observation, config, results)]
    return plan
