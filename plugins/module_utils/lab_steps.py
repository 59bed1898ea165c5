# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode's public names, in one place for the `lab` command (lab_cli.py), the module
microlab.docker_internals.lab_challenge_facts and the class report.

The code lives by concern in the package challenge/ (its __init__.py lists the files) and in each scenario's
unit (scenarios/*.py), which judges its own steps and says what `lab solve` runs for them. Standard library only.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.judge import judge
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import StepError
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.observe import observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.progress import (
    MAX_PROGRESS_BYTES, clean_progress, empty_progress, history_view, last_progress_at, load_progress,
    locked, record_hint, record_reset, record_results, save_progress, session_runs, session_since)
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.reset import chapter_named, lab_made, outside_plan, reset_plan
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.solve import solve_plan
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_time import is_time, now_text
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import (
    DEFAULT_CONFIG, HINTS, STEP_IDS, STEPS, hint_keys, make_config, next_step, text_params)

__all__ = ['DEFAULT_CONFIG', 'HINTS', 'MAX_PROGRESS_BYTES', 'STEPS', 'STEP_IDS', 'StepError', 'chapter_named',
           'clean_progress', 'empty_progress', 'hint_keys', 'history_view', 'is_time', 'judge', 'lab_made', 'lab_observe',
           'last_progress_at', 'load_progress', 'locked', 'make_config', 'next_step', 'now_text', 'observe', 'outside_plan',
           'record_hint', 'record_reset', 'record_results', 'reset_plan', 'save_progress', 'session_runs',
           'session_since', 'solve_plan', 'text_params']
