# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`lab status`'s timeline of the recorded runs, in both languages, from a hostile record too."""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_recorder, lab_timeline


def text(lang):
    return functools.partial(catalog.text, lang)


def run(number, **values):
    raw = dict(lab_recorder.new_run('c%d' % number), name='c%d' % number, image='microlab.local/lab-curl:bookworm',
               created_at='2026-12-02T19:%02d:00Z' % number, started_at='2026-12-02T19:%02d:01Z' % number,
               ended_at='2026-12-02T19:%02d:02Z' % number, exit_code=0, networks={'bridge': {}}, cmd=['-s', '10.0.0.2'])
    raw.update(values)
    return lab_recorder.valid_run(raw)


def record(*runs):
    return dict(lab_recorder.empty_record(), runs=list(runs))


@pytest.mark.parametrize('lang, words', [
    ('en', ('What you ran', '[exit code 28]', '[running]', '(made by the lab)', 'image ', '[not started]')),
    ('es', ('Lo que ejecutaron', '[código de salida 28]', '[en ejecución]', '(lo creó el laboratorio)', 'imagen', '[sin iniciar]')),
])
def test_each_run_is_a_line_in_the_students_language(lang, words):
    lines = lab_timeline.timeline(record(
        run(1, exit_code=28, name='lonely', networks={'lonely_curl': {}}),
        run(2, exit_code=None, ended_at=None, user='1234', cmd=['sleep', '500']),
        run(3, labels_lab=True, name='curl_bridge'),
        run(4, started_at=None, ended_at=None, exit_code=None)), None, text(lang))
    assert lines[0].startswith(words[0]) and len(lines) == 5
    assert 'lonely ' in lines[1] and 'lonely_curl' in lines[1] and words[1] in lines[1] and '19:01:00' in lines[1]
    assert words[2] in lines[2] and ' 1234 ' in lines[2] and 'sleep 500' in lines[2]
    assert lines[3].endswith(words[3]) and words[3] not in lines[1]
    assert words[4] in lines[1] and words[5] in lines[4]


def test_only_this_sessions_runs_the_newest_shown_and_the_rest_counted():
    runs = [run(n) for n in range(30)]
    lines = lab_timeline.timeline(record(*runs), '2026-12-02T19:05:00Z', text('en'))
    assert lines[1] == '  ... and 5 earlier run(s)'
    assert '19:10:00' in lines[2] and '19:29:00' in lines[-1] and len(lines) == 2 + lab_timeline.SHOWN
    assert lab_timeline.timeline(record(*runs), '2026-12-02T20:00:00Z', text('en')) == [
        'No container run recorded in this session yet.']


def test_values_from_the_record_cannot_drive_the_terminal_or_the_layout():
    hostile = run(1, name='\x1b[2J' + 'n' * 300, image='\x1b]0;x\x07img', cmd=['sh', '-c', 'echo "$(id)"\nrm -rf /'],
                  user='{user}')
    (line,) = lab_timeline.timeline(record(hostile), None, text('en'))[1:]
    assert '\x1b' not in line and '\x07' not in line and '\n' not in line
    assert '?[2J' + 'n' * 15 + u'\u2026' in line and '{user}' in line
    assert len(line) < 200


def test_an_unreadable_record_says_so_and_a_missing_one_is_empty(tmp_path):
    path = tmp_path / 'runs.json'
    path.write_text('[' * 100000)
    (line,) = lab_timeline.timeline_of(str(path), None, text('es'))
    assert line.startswith('No se puede leer el registro') and 'RecursionError' in line
    assert lab_timeline.timeline_of(str(tmp_path / 'none.json'), None, text('es')) == [
        'Todavía no hay ningún contenedor registrado en esta sesión.']
    path.write_text(json.dumps({'runs': [dict(lab_recorder.new_run('a'), created_at='2026-12-02T19:00:00Z')]}))
    assert len(lab_timeline.timeline_of(str(path), None, text('es'))) == 2
