# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import vm_data

PASS = {'status': 'pass', 'evidence': 'uid 1234'}
FAIL = {'status': 'fail', 'evidence': 'curl exit 7 (refused), expected 28 (timeout)'}


def hostvars(**hosts):
    return {name: dict(values, ansible_host='192.0.2.%d' % index) for index, (name, values) in enumerate(hosts.items(), 1)}


@pytest.mark.parametrize('values, status, reason', [
    ({'lab_outcomes': {'users_uid_matches': PASS}}, 'pass', ''),
    ({'lab_outcomes': {'users_uid_matches': PASS, 'network_lonely_times_out': FAIL}}, 'fail',
     'failing: network_lonely_times_out'),
    ({'lab_outcomes': {}}, 'fail', 'no outcome was recorded (did verify.yml run on this VM?)'),
    ({'lab_verify_reach': {'reachable': False, 'msg': 'ssh: connect to host 192.0.2.1 port 22: No route'}},
     'unreachable', 'the VM could not be reached: ssh: connect to host 192.0.2.1 port 22: No route'),
    ({'lab_verify_reach': {'reachable': True}, 'lab_verify_error': 'docker: no such container',
      'lab_outcomes': {'users_uid_matches': PASS}}, 'fail', 'verify stopped: docker: no such container'),
])
def test_host_status(values, status, reason):
    report = class_report(hostvars(vm1=dict(values, student='ana')), ['vm1'], lang='en')
    entry, = report['hosts']
    assert (entry['student'], entry['host'], entry['status'], entry['reason']) == ('ana', '192.0.2.1', status, reason)


def test_report_counts_sorts_and_lists_outcomes():
    report = class_report(hostvars(
        vm1={'student': 'zoe', 'lab_outcomes': {'nginx_http_by_ip': PASS}},
        vm2={'student': 'ana', 'lab_outcomes': {'users_uid_matches': FAIL}},
        vm3={'student': 'bruno', 'lab_verify_reach': {'reachable': False, 'msg': 'timeout'}},
        vm4={'student': 'not-in-report', 'lab_outcomes': {'other': PASS}},
    ), ['vm1', 'vm2', 'vm3'], generated='2026-11-25T10:00:00Z')
    assert report['schema_version'] == 2 and report['mode'] == 'demo' and report['step_ids'] == []
    assert report['generated'] == '2026-11-25T10:00:00Z'
    assert report['summary'] == {'pass': 1, 'fail': 1, 'unreachable': 1}
    assert [entry['student'] for entry in report['hosts']] == ['ana', 'bruno', 'zoe']
    # The columns are the lab's outcome ids, whatever the VMs report (vm4's 'other' is not one).
    assert report['outcome_ids'] == sorted(vm_data.OUTCOME_IDS) and 'other' not in report['outcome_ids']
    assert report['hosts'][0]['outcomes'] == {'users_uid_matches': FAIL}


def test_student_defaults_to_inventory_name():
    report = class_report({'vm9': {'lab_outcomes': {'x': PASS}}}, ['vm9'])
    assert report['hosts'][0]['student'] == 'vm9' and report['hosts'][0]['host'] == 'vm9'


# Schema version 2: challenge mode ----------------------------------------------------------------


def challenge(passing, hints=0, solved=(), started='2026-11-25T10:00:00Z', last=None, earlier=()):
    steps = {}
    for step in STEP_IDS:
        ok = step in passing
        steps[step] = {'status': 'pass' if ok else 'fail', 'evidence': 'seen %s' % step,
                       'hints': hints if step == STEP_IDS[len(passing) if len(passing) < 9 else 0] else 0,
                       'solved_by_lab': step in solved,
                       'first_passed_at': last if (ok or step in earlier) else None}
    return {'lab_verify_mode': 'challenge', 'lab_verify_reach': {'reachable': True}, 'lab_verify_error': '',
            'lab_challenge': {'steps': steps, 'started_at': started, 'last_progress_at': last or started}}


def test_challenge_report_shows_where_each_student_is():
    report = class_report(hostvars(
        vm1=dict(challenge(STEP_IDS[:3], last='2026-11-25T10:25:00Z'), student='ana'),
        vm2=dict(challenge(STEP_IDS, last='2026-11-25T10:20:00Z'), student='bruno'),
        vm3={'student': 'carla', 'lab_verify_reach': {'reachable': False, 'msg': 'timeout'}},
    ), ['vm1', 'vm2', 'vm3'], generated='2026-11-25T10:30:00Z', lang='en')
    assert report['schema_version'] == 2 and report['mode'] == 'challenge' and report['step_ids'] == list(STEP_IDS)
    assert report['summary'] == {'pass': 1, 'fail': 1, 'unreachable': 1}
    ana, bruno, carla = report['hosts']
    assert (ana['status'], ana['reason']) == ('fail', 'at nginx_not_on_host (3 of %d steps pass)' % len(STEP_IDS))
    assert ana['progress']['passed'] == 3 and ana['progress']['next'] == 'nginx_not_on_host'
    assert ana['progress']['idle_minutes'] == 5 and not ana['progress']['stuck']
    assert ana['steps']['users_root'] == {'status': 'pass', 'evidence': 'seen users_root', 'hints': 0, 'hints_before_pass': 0,
                                          'solved_by_lab': False, 'first_passed_at': '2026-11-25T10:25:00Z'}
    assert (bruno['status'], bruno['reason'], bruno['progress']['stuck']) == ('pass', '', False)
    assert carla['status'] == 'unreachable' and carla['steps'] == {} and carla['progress'] == {}
    assert report['outcome_ids'] == [] and ana['outcomes'] == {}
    assert report['attention'] == {'stuck': 0, 'hint_heavy': 0, 'hands': 0}


@pytest.mark.parametrize('values, stuck, heavy', [
    (challenge(STEP_IDS[:2], last='2026-11-25T10:05:00Z'), True, False),           # 25 min without a new step
    (challenge(STEP_IDS[:2], last='2026-11-25T10:25:00Z'), False, False),
    (challenge(STEP_IDS[:2], hints=4, last='2026-11-25T10:25:00Z'), False, True),  # 4 hints for 2 steps
    (challenge(STEP_IDS[:2], hints=3, last='2026-11-25T10:25:00Z'), False, False),
    (challenge(STEP_IDS[:2], solved=STEP_IDS[:1], hints=1, last='2026-11-25T10:25:00Z'), False, True),
    (challenge([], started=None), True, False),   # never ran lab: idle since the session started (10:00)
    (challenge([], started='1970-01-01T00:00:00Z'), True, False),  # clamped to the session's start
])
def test_stuck_and_living_on_hints_stand_out(values, stuck, heavy):
    report = class_report(hostvars(vm1=dict(values, student='ana'),
                                   vm2=dict(challenge([], started='2026-11-25T10:00:00Z'), student='zoe')),
                          ['vm1', 'vm2'], generated='2026-11-25T10:30:00Z', stuck_minutes=15, hints_per_step=2,
                          session_start='2026-11-25T10:00:00Z')
    progress = report['hosts'][0]['progress']
    assert report['hosts'][1]['progress']['stuck']  # zoe, idle since 10:00 whatever ana's history says
    assert (progress['stuck'], progress['hint_heavy']) == (stuck, heavy)
    assert report['settings'] == {'stuck_minutes': 15, 'hints_per_step': 2.0}


def test_passed_before_but_not_now_keeps_its_history():
    report = class_report(hostvars(vm1=dict(challenge(STEP_IDS[:1], earlier=STEP_IDS[1:2], last='2026-11-25T10:10:00Z'),
                                            student='ana')), ['vm1'], generated='2026-11-25T10:11:00Z')
    step = report['hosts'][0]['steps']['users_uid']
    assert step['status'] == 'fail' and step['first_passed_at'] == '2026-11-25T10:10:00Z'


def test_mode_follows_verify_unless_given_and_a_vm_without_steps_fails():
    values = {'lab_verify_mode': 'challenge', 'lab_verify_reach': {'reachable': True}, 'lab_verify_error': ''}
    report = class_report(hostvars(vm1=values), ['vm1'], lang='en')
    assert report['mode'] == 'challenge'
    assert report['hosts'][0]['reason'] == 'no step was judged (did verify.yml run on this VM in challenge mode?)'
    assert class_report(hostvars(vm1={'lab_outcomes': {'x': PASS}}), ['vm1'], mode='demo')['mode'] == 'demo'
    stopped = dict(values, lab_verify_error='lab_challenge_facts: boom')
    assert class_report(hostvars(vm1=stopped), ['vm1'], lang='en')['hosts'][0]['reason'] == (
        'verify stopped: lab_challenge_facts: boom')


def test_demo_report_keeps_its_content():
    report = class_report(hostvars(vm1={'student': 'ana', 'lab_outcomes': {'users_uid_matches': PASS}}), ['vm1'])
    entry, = report['hosts']
    assert (entry['status'], entry['outcomes'], entry['steps'], entry['progress']) == (
        'pass', {'users_uid_matches': PASS}, {}, {})


TABLE_REPORT = {'hosts': [{'student': 'ana', 'host': '10.0.0.1', 'status': 'pass', 'reason': ''},
                          {'student': 'bruno', 'host': '10.0.0.2', 'status': 'fail', 'reason': 'x',
                           'progress': {'stuck': True, 'hint_heavy': True}}],
                'summary': {'pass': 1, 'fail': 1, 'unreachable': 0}}


@pytest.mark.parametrize('lang, header, status, marks, counts', [
    ('en', ['STUDENT', 'HOST', 'STATUS', 'REASON'], 'pass', 'x [stuck] [hints]',
     'pass: 1, fail: 1, unreachable: 0. Report: lab-report/report.html'),
    ('es', ['ESTUDIANTE', 'DIRECCIÓN', 'ESTADO', 'MOTIVO'], 'pasa', 'x [atascado] [pistas]',
     'pasan: 1, fallan: 1, inalcanzables: 0. Reporte: lab-report/report.html'),
])
def test_the_terminal_table_has_a_line_per_vm_then_the_counts_in_the_reports_language(lang, header, status, marks,
                                                                                      counts):
    from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report_table
    lines = class_report_table(dict(TABLE_REPORT, lang=lang), 'lab-report/report.html').split('\n')
    assert lines[0].split() == header
    assert lines[1].split() == ['ana', '10.0.0.1', status]
    assert lines[2].endswith(marks) and lines[2].startswith('bruno ')
    assert lines[3] == counts


@pytest.mark.parametrize('lang, reasons', [
    ('es', ['no pasan: network_lonely_times_out', 'no se pudo llegar a la VM: timeout']),
    ('en', ['failing: network_lonely_times_out', 'the VM could not be reached: timeout']),
])
def test_reasons_are_in_the_reports_language_and_keep_an_id(lang, reasons):
    report = class_report(hostvars(
        vm1={'student': 'ana', 'lab_outcomes': {'network_lonely_times_out': FAIL}},
        vm2={'student': 'bruno', 'lab_verify_reach': {'reachable': False, 'msg': 'timeout'}},
    ), ['vm1', 'vm2'], lang=lang)
    assert report['lang'] == lang
    assert [vm['reason'] for vm in report['hosts']] == reasons
    assert [vm['reason_id'] for vm in report['hosts']] == ['failing', 'unreachable']


def test_the_default_language_is_spanish_and_an_unknown_one_is_an_error():
    from ansible.errors import AnsibleFilterError
    assert class_report(hostvars(vm1={'lab_outcomes': {}}), ['vm1'])['hosts'][0]['reason'].startswith('no se registró')
    with pytest.raises(AnsibleFilterError, match='unknown language'):
        class_report(hostvars(vm1={'lab_outcomes': {}}), ['vm1'], lang='fr')
