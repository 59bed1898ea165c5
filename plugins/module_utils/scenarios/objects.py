# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The container spec the scenarios share: community.docker.docker_container options plus ``network`` (empty for
the default bridge), labelled as the lab's. ``images`` is ``lab_images_refs`` (keys shell, nginx, curl).
Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import labels


def sleeper(name, image, scenario, user=None, network='', userns_mode='', memory=0):
    """A container that only sleeps, so that a second run finds it unchanged."""
    spec = {'name': name, 'image': image, 'entrypoint': ['sleep'], 'command': ['infinity'], 'network': network,
            'labels': labels(scenario)}
    if user is not None:
        spec['user'] = user
    if userns_mode:
        spec['userns_mode'] = userns_mode
    if memory:
        spec['memory'] = memory
    return spec
