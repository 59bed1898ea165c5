# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docs/scenarios-as-seen.md is what the lab prints today, in both languages."""

from __future__ import annotations

import os
import subprocess
import sys

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_page_of_the_scenarios_as_the_student_sees_them_is_up_to_date():
    result = subprocess.run([sys.executable, os.path.join(REPO, 'scripts', 'scenarios_doc.py'), '--check'],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_page_shows_every_scenario_in_spanish_and_english():
    with open(os.path.join(REPO, 'docs', 'scenarios-as-seen.md'), encoding='utf-8') as handle:
        text = handle.read()
    for scenario in scenarios.NAMES:
        assert '## %s (Español)' % scenario in text and '## %s (English)' % scenario in text
    assert 'Fe de erratas del capítulo:' in text and 'Errata of the chapter:' in text
