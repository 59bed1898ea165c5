# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the challenge's step judges share: a pass credited to the student or to the lab, a failure, and the
containers a step may be judged by. Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import is_lab

UNKNOWN = ('word.unknown_value', {})


def ok(key, by_lab=False, **params):
    """A pass; by_lab when what made it pass carries the lab's label (lab solve), said in the evidence too."""
    if by_lab:
        return {'status': 'pass', 'by_lab': True, 'evidence': ('ch.ev.by_lab', {'evidence': (key, params)})}
    return {'status': 'pass', 'by_lab': False, 'evidence': (key, params)}


def ok_from(evidence, by_lab=False):
    """A pass from an evidence pair."""
    key, params = evidence
    return ok(key, by_lab, **params)


def credited(result, by_lab):
    """A lab_judge result as a step's: a pass made by the lab is said to be so."""
    return ok_from(result['evidence'], by_lab) if result['status'] == 'pass' else result


def fail(key, params=None, **more):
    return {'status': 'fail', 'evidence': (key, dict(params or {}, **more))}


def running(observation):
    return dict((name, c) for name, c in (observation.get('containers') or {}).items() if c and c['running'])


def live_client(containers, network, config):
    """The running container attached to network and nothing else to probe from: the student's first, never the server."""
    found = [c for name, c in containers.items()
             if c['running'] and sorted(c['networks']) == [network] and name != config['names']['server']]
    found.sort(key=lambda c: (is_lab(c), c['name']))
    return found[0]['name'] if found else ''
