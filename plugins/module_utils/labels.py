# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The labels the lab puts on what it makes, defined once: reset, verify and the recorder find exactly these.

Standard library only (the `lab` command and the recorder on the VM import this too).
"""

from __future__ import annotations

LAB_LABEL = 'microlab.lab'
LAB_VALUE = 'docker_internals'
SCENARIO_LABEL = 'microlab.lab.scenario'
PROBE_LABEL = 'microlab.lab.probe'
PROBE_VALUE = 'true'
# A hash of the spec a container was started from (as Compose labels its config hash).
SPEC_LABEL = 'microlab.lab.spec'


def labels(scenario):
    """The labels of everything a scenario makes."""
    return {LAB_LABEL: LAB_VALUE, SCENARIO_LABEL: scenario}


def labels_argv(scenario):
    """The same labels as docker CLI arguments."""
    return ['--label', '%s=%s' % (LAB_LABEL, LAB_VALUE), '--label', '%s=%s' % (SCENARIO_LABEL, scenario)]


def is_lab(thing):
    """Whether a container or network view (its ``labels``) carries the lab's label."""
    return bool(thing) and (thing.get('labels') or {}).get(LAB_LABEL) == LAB_VALUE
