# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What `lab solve` may make: a running container of the lab's, never over a same-named one of someone else's.
Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab


class StepError(Exception):
    """Something the student must hear in their language: a catalog key and its parameters."""

    def __init__(self, key, **params):
        super(StepError, self).__init__(key)
        self.key = key
        self.params = params


def make_container(observation, name, run_argv):
    """argv lists that leave a running container `name` made by the lab, or StepError when the name is someone else's."""
    container = (observation.get('containers') or {}).get(name)
    if container is None:
        return [run_argv]
    if container['running']:
        return []
    if is_lab(container):
        return [['docker', 'start', name]]
    raise StepError('ch.err.name_taken', name=name)
