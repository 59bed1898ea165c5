# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an instructor reads first in the class report: the columns by scenario, the raised hands, the stuck.

``groups(mode, hosts, lang)`` gives the report's columns grouped by scenario, each with a short title in the
report's language and how many students pass it (and the whole scenario); ``hand_queue(hosts, lang)`` the raised
hands, oldest first; ``stuck_list(hosts, lang)`` the stuck students, longest idle first. Everything here is read from host
entries that vm_data.check and class_report already made typed, bounded and clamped.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import STEPS
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import OUTCOMES


def _columns(mode):
    """[(scenario, [column id, ...])] in the chapter's order."""
    pairs = ([(part, step) for step, part in STEPS] if mode == 'challenge'
             else [(scenario, oid) for scenario, ids in OUTCOMES.items() for oid in ids])
    grouped = []
    for scenario, column in pairs:
        if not grouped or grouped[-1][0] != scenario:
            grouped.append((scenario, []))
        grouped[-1][1].append(column)
    return grouped


def _results(host, mode):
    return host['steps'] if mode == 'challenge' else host['outcomes']


def groups(mode, hosts, lang):
    """The report's columns by scenario: id, short title, how many students pass each column and all of them."""
    words = catalog.messages(lang)
    out = []
    for scenario, ids in _columns(mode):
        passing = [set(column for column in ids if (_results(host, mode).get(column) or {}).get('status') == 'pass')
                   for host in hosts]
        out.append({
            'id': scenario,
            'title': words['report.group.' + scenario],
            'passed': sum(1 for found in passing if len(found) == len(ids)),
            'columns': [{'id': column, 'title': words['report.short.' + column],
                         'passed': sum(1 for found in passing if column in found)} for column in ids],
        })
    return out


def _on_step(host, words):
    """The step a student is on (None when every step passes) and its short title ('' then)."""
    step = (host.get('progress') or {}).get('next')
    return {'student': host['student'], 'host': host['host'], 'step': step,
            'step_title': words['report.short.' + step] if step else ''}


def hand_queue(hosts, lang):
    """The raised hands, oldest first: student, host, the step they are on, message, since when, minutes waiting."""
    words = catalog.messages(lang)
    raised = sorted((host for host in hosts if host.get('hand')), key=lambda host: (host['hand']['raised_at'], host['student']))
    return [dict(_on_step(host, words), message=host['hand']['message'], raised_at=host['hand']['raised_at'],
                 waiting_minutes=host['hand']['waiting_minutes']) for host in raised]


def stuck_list(hosts, lang):
    """The stuck students, longest idle first: student, host, the step they are on, minutes idle."""
    words = catalog.messages(lang)
    stuck = sorted((host for host in hosts if (host.get('progress') or {}).get('stuck')),
                   key=lambda host: (-host['progress']['idle_minutes'], host['student']))
    return [dict(_on_step(host, words), idle_minutes=host['progress']['idle_minutes']) for host in stuck]
