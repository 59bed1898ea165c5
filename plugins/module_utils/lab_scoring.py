# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scoring table of the class's grades: its defaults and its rules.

The instructor's table (lab_report_scoring) may give any part of DEFAULT_SCORING: ``steps`` (points per step id),
``hint`` (what one hint costs) and ``solved_by_lab`` (what a step `lab solve` made pass costs); what it does not give
keeps its default. ``problems(value)`` lists the broken rules as (catalog key, params); ``table(value)`` is the
whole table, the defaults under what was given (call it on a value without problems). Standard library only.
"""

from __future__ import annotations

import math

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS

# Each step's points, as its scenario's unit declares them (the grade's maximum is their sum).
DEFAULT_SCORING = {
    'steps': dict((step, points) for unit in scenarios.UNITS for step, points in unit.POINTS.items()),
    'hint': 2,
    'solved_by_lab': 10,
}
POINTS_MAX = 1000  # of one step, or of one cost


def _is_points(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 <= value <= POINTS_MAX)


def problems(value, name='lab_report_scoring'):
    """The broken rules of a scoring table, as (catalog key, params); empty when it holds."""
    if not isinstance(value, dict):
        return [('input.scoring.mapping', {'name': name})]
    found = [('input.scoring.key', {'name': name, 'given': str(key)[:40], 'keys': ', '.join(DEFAULT_SCORING)})
             for key in value if key not in DEFAULT_SCORING]
    steps = value.get('steps', {})
    if not isinstance(steps, dict):
        return found + [('input.scoring.mapping', {'name': name + '.steps'})]
    found += [('input.scoring.step', {'name': name + '.steps', 'step': str(step)[:40], 'steps': ', '.join(STEP_IDS)})
              for step in steps if step not in STEP_IDS]
    numbers = [(name + '.steps.' + step, points) for step, points in steps.items() if step in STEP_IDS]
    numbers += [(name + '.' + key, value[key]) for key in ('hint', 'solved_by_lab') if key in value]
    return found + [('input.scoring.points', {'name': field, 'high': POINTS_MAX, 'value': str(points)[:40]})
                    for field, points in numbers if not _is_points(points)]


def table(value):
    """The whole scoring table: DEFAULT_SCORING under what value gives."""
    value = value or {}
    return {'steps': dict(DEFAULT_SCORING['steps'], **(value.get('steps') or {})),
            'hint': value.get('hint', DEFAULT_SCORING['hint']),
            'solved_by_lab': value.get('solved_by_lab', DEFAULT_SCORING['solved_by_lab'])}
