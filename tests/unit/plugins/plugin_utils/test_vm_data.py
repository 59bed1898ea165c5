# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The schema check of one VM's verify data: what passes, what it becomes, and the rule each refusal names."""

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import OUTCOMES
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import vm_data
from ansible_collections.microlab.docker_internals.plugins.plugin_utils.vm_data import VMDataError, check, clean_text


def test_the_known_outcome_ids_are_the_judges():
    assert set(vm_data.OUTCOME_IDS) == {oid for ids in OUTCOMES.values() for oid in ids}
    assert len(vm_data.OUTCOME_IDS) == len(set(vm_data.OUTCOME_IDS)) == sum(len(ids) for ids in OUTCOMES.values())


def test_an_empty_vm_is_empty_and_reachable():
    assert check({}) == {'reach': {'reachable': True, 'msg': ''}, 'error': '', 'outcomes': {}, 'challenge': {}}


def test_a_good_vm_comes_back_as_new_typed_values():
    given = {'lab_outcomes': {'users_uid_matches': {'status': 'pass', 'evidence': 'uid 1234\nok'}},
             'lab_challenge': {'configured': True, 'passed': 99, 'started_at': '2026-11-25T10:00:00Z',
                               'steps': {'users_root': {'status': 'pass', 'evidence': 'root', 'hints': 2,
                                                        'solved_by_lab': True,
                                                        'first_passed_at': '2026-11-25T10:01:00Z'}}},
             'lab_verify_reach': {'reachable': True, 'msg': ''}, 'lab_verify_error': ''}
    data = check(given)
    assert data['outcomes'] == {'users_uid_matches': {'status': 'pass', 'evidence': 'uid 1234\nok'}}
    assert data['challenge']['steps']['users_root'] == {'status': 'pass', 'evidence': 'root', 'hints': 2,
                                                        'hints_before_pass': 2, 'solved_by_lab': True,
                                                        'first_passed_at': '2026-11-25T10:01:00Z'}
    assert data['challenge']['steps']['users_uid'] == {'status': 'fail', 'evidence': '', 'hints': 0,
                                                       'hints_before_pass': 0, 'solved_by_lab': False,
                                                       'first_passed_at': None}
    assert list(data['challenge']['steps']) == list(STEP_IDS)
    assert (data['challenge']['started_at'], data['challenge']['last_progress_at']) == ('2026-11-25T10:00:00Z', None)
    assert 'passed' not in data['challenge']  # recomputed by the report, never taken from the VM


@pytest.mark.parametrize('status, expected', [('pass', 'pass'), ('fail', 'fail'), ('PASS', 'fail'),
                                              ('"><b>', 'fail'), ('unreachable', 'fail'), ('', 'fail')])
def test_a_status_becomes_pass_or_fail(status, expected):
    assert check({'lab_outcomes': {'nginx_http_by_ip': {'status': status}}})['outcomes']['nginx_http_by_ip']['status'] \
        == expected


@pytest.mark.parametrize('facts, key, field', [
    ({'lab_outcomes': [1]}, 'report.invalid.mapping', 'lab_outcomes'),
    ({'lab_outcomes': {'nope': {}}}, 'report.invalid.unknown_id', 'lab_outcomes'),
    ({'lab_outcomes': {1: {}}}, 'report.invalid.unknown_id', 'lab_outcomes'),
    ({'lab_outcomes': dict(('x%d' % i, {}) for i in range(len(vm_data.OUTCOME_IDS) + 1))}, 'report.invalid.too_many', 'lab_outcomes'),
    ({'lab_outcomes': {'nginx_http_by_ip': {'status': 1}}}, 'report.invalid.text', 'lab_outcomes.nginx_http_by_ip.status'),
    ({'lab_outcomes': {'nginx_http_by_ip': {'evidence': ['x']}}}, 'report.invalid.text',
     'lab_outcomes.nginx_http_by_ip.evidence'),
    ({'lab_challenge': 'x'}, 'report.invalid.mapping', 'lab_challenge'),
    ({'lab_challenge': {'steps': {'users_root': {'hints': 'many'}}}}, 'report.invalid.int', 'lab_challenge.steps.users_root.hints'),
    ({'lab_challenge': {'steps': {'users_root': {'hints': float('inf')}}}}, 'report.invalid.int',
     'lab_challenge.steps.users_root.hints'),
    ({'lab_challenge': {'steps': {'users_root': {'hints': True}}}}, 'report.invalid.int', 'lab_challenge.steps.users_root.hints'),
    ({'lab_challenge': {'steps': {'users_root': {'hints': -1}}}}, 'report.invalid.range', 'lab_challenge.steps.users_root.hints'),
    ({'lab_challenge': {'steps': {'users_root': {'hints': 1001}}}}, 'report.invalid.range',
     'lab_challenge.steps.users_root.hints'),
    ({'lab_challenge': {'steps': {'users_root': {'solved_by_lab': 1}}}}, 'report.invalid.bool',
     'lab_challenge.steps.users_root.solved_by_lab'),
    ({'lab_challenge': {'steps': {'users_root': {'first_passed_at': 5}}}}, 'report.invalid.time',
     'lab_challenge.steps.users_root.first_passed_at'),
    ({'lab_challenge': {'steps': {'users_root': {'first_passed_at': '2026-11-25 10:00:00'}}}}, 'report.invalid.time',
     'lab_challenge.steps.users_root.first_passed_at'),
    ({'lab_challenge': {'steps': {}, 'started_at': '2026-11-25T10:00:00Z' + 'x' * 10}}, 'report.invalid.time',
     'lab_challenge.started_at'),
    ({'lab_verify_reach': {'reachable': 'False'}}, 'report.invalid.bool', 'lab_verify_reach.reachable'),
    ({'lab_verify_error': 7}, 'report.invalid.text', 'lab_verify_error'),
])
def test_each_rule_names_the_field_that_broke_it(facts, key, field):
    with pytest.raises(VMDataError) as caught:
        check(facts)
    assert (caught.value.key, caught.value.params['field']) == (key, field)
    for lang in catalog.LANGUAGES:
        assert field in catalog.text(lang, key, **caught.value.params)


@pytest.mark.parametrize('text, cap, expected', [
    ('a\nb', 10, 'a\ufffdb'),
    ('abc\u202edef', 10, 'abc\ufffddef'),
    ('\u2066x\u2069\u200e\u200f\u200b\ufeff', 10, '\ufffdx\ufffd\ufffd\ufffd\ufffd\ufffd'),
    ('\x1b[2J\r\u2028\u2029', 10, '\ufffd[2J\ufffd\ufffd\ufffd'),
    ('\ud800', 10, '\ufffd'),
    ('é ñ 日本 ✓', 10, 'é ñ 日本 ✓'),
    ('x' * 11, 10, 'x' * 9 + '\u2026'),
    ('x' * 10, 10, 'x' * 10),
])
def test_clean_text_replaces_what_could_move_the_cursor_or_reorder_a_line_and_caps(text, cap, expected):
    assert clean_text(text, cap) == expected


def test_evidence_keeps_its_newlines_and_is_capped():
    data = check({'lab_outcomes': {'nginx_http_by_ip': {'evidence': 'a\nb\u202e' + 'x' * 1000}}})
    evidence = data['outcomes']['nginx_http_by_ip']['evidence']
    assert evidence.startswith('a\nb\ufffd') and len(evidence) == vm_data.EVIDENCE_CAP


def test_a_huge_mapping_is_refused_by_its_size_before_its_keys_are_read():
    class Huge(dict):
        def __iter__(self):
            raise AssertionError('keys read')
    huge = Huge(('x%d' % i, {}) for i in range(20000))
    with pytest.raises(VMDataError) as caught:
        check({'lab_outcomes': huge})
    assert caught.value.params == {'field': 'lab_outcomes', 'count': 20000, 'limit': len(vm_data.OUTCOME_IDS)}
