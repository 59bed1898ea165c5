# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode's steps and the `lab` command's settings, from the scenarios' units.

The student types the chapter's commands; each scenario's unit (scenarios/*.py) declares its steps in the
chapter's order (``STEPS``), what they need observed (``NEEDS``) and where its options go in the settings
(``Option.challenge``): DEFAULT_CONFIG is built from those, so a default is written once. Hints are catalog
keys (``ch.<step>.hint1``, ``.hint2``, ``.commands``). Standard library only."""

from __future__ import annotations

import copy

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_observe, lab_recorder, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DEFAULT_DOCKER_HOST

# The chapter's steps, in its order, with the scenario each belongs to.
STEPS = tuple((step, unit.NAME) for unit in scenarios.UNITS for step in unit.STEPS)
STEP_IDS = tuple(step for step, _part in STEPS)
PART = dict(STEPS)
HINTS = 3  # hint 1 and 2 are words, hint 3 the exact commands


def _settings():
    """The settings' defaults: the language, each scenario option with a place in them, the images, the paths."""
    config = {'language': 'es', 'names': {}, 'images': {'shell': 'debian', 'nginx': 'nginx', 'curl': 'curlimages/curl'},
              'image_ids': {}, 'progress': '/var/lib/microlab/progress.json', 'runs': lab_recorder.DEFAULT_PATH,
              'docker_host': DEFAULT_DOCKER_HOST}
    for unit in scenarios.UNITS:
        for option in unit.OPTIONS.values():
            if option.challenge:
                *parents, key = option.challenge.split('.')
                place = config
                for parent in parents:
                    place = place[parent]
                place[key] = option.default
    return config


DEFAULT_CONFIG = _settings()
# The scenarios' own top-level settings (an option's challenge place without a dot): their texts' placeholders too.
SETTINGS = tuple(sorted(set(option.challenge for unit in scenarios.UNITS for option in unit.OPTIONS.values()
                            if option.challenge and '.' not in option.challenge)))


def make_config(data=None):
    """DEFAULT_CONFIG updated with data (lab.json as the lab_challenge role writes it)."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    for key, value in (data or {}).items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key].update(value)
        else:
            config[key] = value
    return config


def needs(steps):
    """The parts of the observation the steps need."""
    wanted = set()
    for step in steps:
        wanted.update(scenarios.BY_NAME[PART[step]].NEEDS)
    return wanted


def next_step(results):
    """The first step (in the chapter's order) that does not pass, or None."""
    return next((step for step in STEP_IDS if step in results and results[step]['status'] != 'pass'), None)


def text_params(config, observation=None):
    """Placeholders of the challenge texts: the names, the scenarios' own settings, the UID and the image
    references on this VM."""
    names = config['names']
    images = config['images']
    ip = lab_observe.bridge_ip(((observation or {}).get('containers') or {}).get(names['server']))
    params = dict(names, **dict((key, config[key]) for key in SETTINGS if key in config))
    params.update(uid=config['uid'], port=config['port'], port_hex='%04X' % int(config['port']),
                  timeout=config['timeout'],
                  shell_image=images.get('shell', '?'), nginx_image=images.get('nginx', '?'),
                  curl_image=images.get('curl', '?'), url='http://%s/' % (ip or '$IP'))
    return params


def hint_keys(step):
    """Catalog keys of a step's hints, in order; the last one is a list of commands."""
    return ['ch.%s.hint1' % step, 'ch.%s.hint2' % step, 'ch.%s.commands' % step]
