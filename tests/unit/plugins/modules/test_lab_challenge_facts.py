# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_challenge_facts: live judgement wins over the history file; the history is added."""

from __future__ import annotations

import json

from ansible_collections.microlab.docker_internals.plugins.modules import lab_challenge_facts
from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_steps
from ansible_collections.microlab.docker_internals.tests.unit.plugins.module_utils.test_lab_steps import (
    chapter_done, chapter_runs, fresh, solved_by_the_lab)
from ansible_collections.microlab.docker_internals.tests.unit.plugins.modules import test_fact_module_mains

run = test_fact_module_mains.run  # the fixture that runs a module's main()


def settings(tmp_path, **extra):
    path = tmp_path / 'lab.json'
    path.write_text(json.dumps(dict({'language': 'en', 'uid': 2000, 'progress': str(tmp_path / 'progress.json')}, **extra)))
    return str(path)


def test_a_faked_history_does_not_make_a_step_pass(run, tmp_path, monkeypatch):
    seen = {}

    def observe(api, config, steps=lab_steps.STEP_IDS, runner=None, proc='/proc', runs=()):
        seen['config'] = config
        return fresh()

    monkeypatch.setattr(lab_steps, 'observe', observe)
    progress = lab_steps.empty_progress()
    lab_steps.record_results(progress, dict((s, {'status': 'pass'}) for s in lab_steps.STEP_IDS), '2026-11-25T10:00:00Z')
    lab_steps.record_hint(progress, 'users_uid', '2026-11-25T10:01:00Z')
    (tmp_path / 'progress.json').write_text(json.dumps(progress))
    kind, result = run(lab_challenge_facts, {'config_path': settings(tmp_path), 'server': 'nginx1'})
    assert kind == 'exit' and result['changed'] is False
    facts = result['ansible_facts']['lab_challenge']
    assert facts['configured'] is True and facts['passed'] == 0 and facts['total'] == len(lab_steps.STEP_IDS) and facts['next'] == 'users_root'
    assert facts['steps']['users_uid'] == {'status': 'fail', 'hints': 1, 'hints_before_pass': 0, 'solved_by_lab': False,
                                           'first_passed_at': '2026-11-25T10:00:00Z',
                                           'evidence': 'no container is running: start one that stays up '
                                                       '(docker ps lists none)'}
    assert facts['started_at'] == '2026-11-25T10:00:00Z' and facts['last_progress_at'] == '2026-11-25T10:00:00Z'
    assert seen['config']['uid'] == 2000 and seen['config']['names']['server'] == 'nginx1'


def test_without_settings_or_history(run, tmp_path, monkeypatch):
    monkeypatch.setattr(lab_steps, 'observe', lambda api, config, steps=None, runner=None, proc=None, runs=(): chapter_done())
    kind, result = run(lab_challenge_facts, {'config_path': str(tmp_path / 'none.json'),
                                             'progress_path': str(tmp_path / 'none-progress.json'), 'language': 'es'})
    facts = result['ansible_facts']['lab_challenge']
    assert kind == 'exit' and facts['configured'] is False and facts['passed'] == len(lab_steps.STEP_IDS) and facts['next'] is None
    assert facts['started_at'] is None and facts['steps']['users_root']['first_passed_at'] is None
    assert 'corre con el UID 0 del host' in facts['steps']['users_root']['evidence']


def runs_file(tmp_path, runs):
    path = tmp_path / 'runs.json'
    path.write_text(json.dumps({'version': 1, 'runs': runs, 'networks': []}))
    return str(path)


def test_the_runs_before_the_session_start_do_not_count(run, tmp_path, monkeypatch):
    seen = {}

    def observe(api, config, steps=None, runner=None, proc=None, runs=()):
        seen['runs'] = list(runs() if callable(runs) else runs)
        return fresh()

    monkeypatch.setattr(lab_steps, 'observe', observe)
    runs = [dict(one, id=str(i) * 64, created_at='2026-12-02T19:%02d:00Z' % (i * 10))
            for i, one in enumerate(chapter_runs()[:3])]
    config = settings(tmp_path, runs=runs_file(tmp_path, runs))
    run(lab_challenge_facts, {'config_path': config})
    assert len(seen['runs']) == 3
    run(lab_challenge_facts, {'config_path': config, 'session_start': '2026-12-02T19:10:00Z'})
    assert [r['id'] for r in seen['runs']] == ['1' * 64, '2' * 64]
    # the student's reset moves their own session later, never earlier than the controller's start
    (tmp_path / 'progress.json').write_text(json.dumps({'reset_at': '2026-12-02T19:20:00Z', 'steps': {}}))
    run(lab_challenge_facts, {'config_path': config, 'session_start': '2026-12-02T19:10:00Z'})
    assert [r['id'] for r in seen['runs']] == ['2' * 64]
    (tmp_path / 'progress.json').write_text(json.dumps({'reset_at': '1970-01-01T00:00:00Z', 'steps': {}}))
    run(lab_challenge_facts, {'config_path': config, 'session_start': '2026-12-02T19:10:00Z'})
    assert [r['id'] for r in seen['runs']] == ['1' * 64, '2' * 64]


def test_a_bad_session_start_is_refused(run, tmp_path):
    kind, result = run(lab_challenge_facts, {'config_path': settings(tmp_path), 'session_start': 'yesterday'})
    assert kind == 'fail' and 'session_start' in result['msg']


def test_a_rewritten_history_changes_only_the_students_own_wording(run, tmp_path, monkeypatch):
    monkeypatch.setattr(lab_steps, 'observe', lambda api, config, steps=None, runner=None, proc=None, runs=():
                        solved_by_the_lab())
    (tmp_path / 'progress.json').write_text(json.dumps({
        'started_at': '"><script>', 'steps': {
            'nginx_netns': {'solved_by_lab': False, 'hints': 'many', 'first_passed_at': '<b>'},
            'users_uid': {'solved_by_lab': True, 'hints': 2, 'first_passed_at': '2026-12-02T19:05:00Z'},
            'ana_row': {'solved_by_lab': True}}}))
    _kind, result = run(lab_challenge_facts, {'config_path': settings(tmp_path)})
    facts = result['ansible_facts']['lab_challenge']
    assert sorted(facts['steps']) == sorted(lab_steps.STEP_IDS) and facts['started_at'] is None
    assert facts['steps']['nginx_netns']['solved_by_lab'] is True  # judged from the labels
    assert (facts['steps']['nginx_netns']['hints'], facts['steps']['nginx_netns']['first_passed_at']) == (0, None)
    assert facts['steps']['users_uid']['solved_by_lab'] is False  # fails now: nothing to credit
    assert (facts['steps']['users_uid']['hints'], facts['steps']['users_uid']['first_passed_at']) == (
        2, '2026-12-02T19:05:00Z')  # the student's own word


def test_the_raised_hand_is_read_next_to_the_history_the_module_is_given(run, tmp_path, monkeypatch):
    monkeypatch.setattr(lab_steps, 'observe', lambda api, config, steps=None, runner=None, proc=None, runs=(): fresh())
    state = tmp_path / 'state'
    state.mkdir()
    (state / 'hand.json').write_text(json.dumps({'raised_at': '2026-11-25T10:12:00Z', 'message': 'why 28?'}))
    options = {'config_path': settings(tmp_path), 'progress_path': str(state / 'progress.json')}
    _kind, result = run(lab_challenge_facts, options)
    assert result['ansible_facts']['lab_challenge']['hand'] == {'raised_at': '2026-11-25T10:12:00Z', 'message': 'why 28?'}
    (state / 'hand.json').unlink()
    (state / 'hand.json').symlink_to(tmp_path / 'lab.json')  # a link planted by a student: not followed
    _kind, result = run(lab_challenge_facts, options)
    assert result['ansible_facts']['lab_challenge']['hand'] is None
