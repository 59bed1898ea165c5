# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`lab status`'s timeline: the containers the students ran this session, from the recorder's runs.

One line per run, oldest first: time (UTC), name, image, user, networks, command, how it ended, and
a mark on what the lab made (`lab solve`, its probes). Every value comes from runs.json, which a
root student can write: control characters are replaced and each column is cut to its width, so
the timeline cannot move the terminal's cursor or push the rest of `lab status` away.
Standard library only: it runs on the VM's /usr/bin/python3.
"""

from __future__ import annotations

import re
import shlex

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_recorder

SHOWN = 20
"""The most recent runs shown; the earlier ones are counted."""
WIDTHS = {'name': 20, 'image': 34, 'user': 6, 'networks': 16, 'command': 40}
_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f]')


def cell(value, width):
    """Printable text of at most `width` characters ('…' marks a cut)."""
    text = _CONTROL.sub('?', value if isinstance(value, str) else '')
    return text if len(text) <= width else text[:width - 1] + u'\u2026'


def command_text(run):
    """The command as a shell would show it: entrypoint, then cmd."""
    return ' '.join(shlex.quote(part) for part in run['entrypoint'] + run['cmd'])


def ending(run, text):
    if not run['started_at']:
        return text('ch.timeline.not_started')
    if run['exit_code'] is None:
        return text('ch.timeline.running') if not run['ended_at'] else text('ch.timeline.ended')
    return text('ch.timeline.exit', code=run['exit_code'])


def timeline_of(path, since, text):
    """The timeline of the runs recorded in the file at `path` (lab.json's "runs")."""
    return timeline(lab_recorder.load_runs(path), since, text)


def timeline(record, since, text):
    """The timeline's lines for `lab status`: record from lab_recorder.load_runs, since a time text
    ('%Y-%m-%dT%H:%M:%SZ', or None for all), text(key, **params) the catalog in the student's language."""
    if record.get('error') and record['error'] != 'missing':
        return [text('ch.timeline.unavailable', error=cell(record['error'], 80))]
    runs = lab_recorder.runs_since(record, since)
    if not runs:
        return [text('ch.timeline.none')]
    lines = [text('ch.timeline.title')]
    if len(runs) > SHOWN:
        lines.append(text('ch.timeline.earlier', count=len(runs) - SHOWN))
    for run in runs[-SHOWN:]:
        lines.append(text(
            'ch.timeline.line', time=(run['created_at'] or '')[11:19],
            name=cell(run['name'], WIDTHS['name']), image=cell(run['image'], WIDTHS['image']),
            user=cell(run['user'] or text('ch.timeline.image_user'), WIDTHS['user']),
            networks=cell(','.join(sorted(run['networks'])) or run['network_mode'], WIDTHS['networks']),
            command=cell(command_text(run), WIDTHS['command']), end=ending(run, text),
            lab=text('ch.timeline.lab') if run['labels_lab'] else ''))
    return lines
