# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`lab reset`: what the lab made (by its label, and what `lab solve` made outside the engine), the chapter's
named objects that are not the lab's, and the docker commands removing them. Standard library only."""

from __future__ import annotations

import json
from urllib.parse import quote

from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import LAB_LABEL, LAB_VALUE


def lab_made(api):
    """(container names, network names) carrying the lab's label, in any state."""
    status, containers = api.get('/containers/json?all=1&filters=%s' % _label_filter())
    if status != 200:
        raise DockerAPIError('Docker engine answered %s listing containers' % status)
    status, networks = api.get('/networks?filters=%s' % _label_filter())
    if status != 200:
        raise DockerAPIError('Docker engine answered %s listing networks' % status)
    return (sorted(((c.get('Names') or ['/' + c['Id']])[0]).lstrip('/') for c in containers or []),
            sorted(n['Name'] for n in networks or []))


def _label_filter():
    return quote(json.dumps({'label': ['%s=%s' % (LAB_LABEL, LAB_VALUE)]}), safe='')


def chapter_named(api, config, exclude=()):
    """The chapter's named objects that exist and are not the lab's: (containers, networks)."""
    names = config['names']
    containers = []
    data = api.inspect_container(names['server'])
    if data and names['server'] not in exclude:
        containers.append(names['server'])
    networks = [n for n, d in api.list_networks([names['network']]).items() if d and n not in exclude]
    return containers, networks


def outside_plan(config, proc='/proc'):
    """(names, docker argv lists) undoing what the scenarios' `lab solve` made outside the engine (mounts,
    directories): each unit's ``challenge_reset``."""
    names, plan = [], []
    for unit in scenarios.UNITS:
        more_names, more = unit.challenge_reset(config, proc)
        names += more_names
        plan += more
    return names, plan


def reset_plan(containers, networks):
    """docker commands removing containers, then networks."""
    plan = [['docker', 'rm', '--force', name] for name in containers]
    return plan + [['docker', 'network', 'rm', name] for name in networks]
