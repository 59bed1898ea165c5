# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode's judgement: per step, pass or fail with evidence as catalog pairs (catalog.render), by the
judges of each scenario's unit (``judge_steps``). Names count only where the chapter fixes them (web_server,
lonely_curl): any running container whose processes all run as UID 1234 passes the UID step. Pure functions.
Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import PART, STEP_IDS


def judge(observation, config, steps=STEP_IDS):
    """{step: {'status', 'evidence', 'by_lab'}} for the steps, in order."""
    engine = observation.get('engine') or {}
    if not engine.get('reachable'):
        down = verdicts.fail('ev.engine_down', error=engine.get('error') or verdicts.UNKNOWN)
        return dict((step, down) for step in steps)
    judged = {}
    for unit in scenarios.in_order(set(PART[step] for step in steps)):
        judged.update(unit.judge_steps(observation, config, [step for step in steps if PART[step] == unit.NAME]))
    return dict((step, judged[step]) for step in steps)
