# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the instructor reads first: the raised hands (oldest first, on which step), the stuck, the columns by
scenario with how many passed each part; the hand as vm_data takes it from a VM."""

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report, class_report_table
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import OUTCOMES
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils.vm_data import VMDataError, check

from ansible_collections.microlab.docker_internals.tests.unit.plugins.filter.test_class_report import challenge, hostvars

NOW = '2026-11-25T10:30:00Z'
SESSION = '2026-11-25T10:00:00Z'


def with_hand(values, raised_at, message):
    values['lab_challenge']['hand'] = {'raised_at': raised_at, 'message': message}
    return values


def report_of(lang='en', **hosts):
    return class_report(hostvars(**hosts), sorted(hosts), generated=NOW, lang=lang, session_start=SESSION)


# vm_data: a hand from a VM ----------------------------------------------------------------------------------


def test_a_hand_is_typed_and_its_message_capped_and_cleaned():
    hand = check(with_hand(challenge(STEP_IDS[:1]), NOW, 'x' * 5000 + '\u202e'))['challenge']['hand']
    assert hand['raised_at'] == NOW and len(hand['message']) == 200 and hand['message'].endswith('\u2026')
    hand = check(with_hand(challenge(STEP_IDS[:1]), NOW, 'a\nb\u202ec\x1b[2J'))['challenge']['hand']
    assert hand['message'] == 'a\ufffdb\ufffdc\ufffd[2J'
    assert check(challenge(STEP_IDS[:1]))['challenge']['hand'] is None


@pytest.mark.parametrize('hand, key, field', [
    ('raised', 'report.invalid.mapping', 'lab_challenge.hand'),
    ({'raised_at': NOW, 'message': 'x', 'step': 'users_root'}, 'report.invalid.too_many', 'lab_challenge.hand'),
    ({'raised_at': NOW, 'student': 'bruno'}, 'report.invalid.unknown_id', 'lab_challenge.hand'),
    ({'raised_at': 5, 'message': 'x'}, 'report.invalid.time', 'lab_challenge.hand.raised_at'),
    ({'message': 'x'}, 'report.invalid.time', 'lab_challenge.hand.raised_at'),
    ({'raised_at': NOW, 'message': ['x']}, 'report.invalid.text', 'lab_challenge.hand.message'),
])
def test_a_hand_that_breaks_the_schema_names_its_field(hand, key, field):
    values = challenge(STEP_IDS[:1])
    values['lab_challenge']['hand'] = hand
    with pytest.raises(VMDataError) as error:
        check(values)
    assert (error.value.key, error.value.params['field']) == (key, field)


# The queue ---------------------------------------------------------------------------------------------------


def test_the_hands_are_queued_oldest_first_with_the_step_each_student_is_on():
    report = report_of(
        vm1=dict(with_hand(challenge(STEP_IDS[:3], last='2026-11-25T10:25:00Z'), '2026-11-25T10:20:00Z', 'late'),
                 student='ana'),
        vm2=dict(with_hand(challenge(STEP_IDS[:1], last='2026-11-25T10:25:00Z'), '2026-11-25T10:10:00Z', 'early'),
                 student='bruno'),
        vm3=dict(challenge(STEP_IDS[:5], last='2026-11-25T10:25:00Z'), student='carla'),
    )
    assert report['hands'] == [
        {'student': 'bruno', 'host': '192.0.2.2', 'step': 'users_uid', 'step_title': 'chosen UID', 'message': 'early',
         'raised_at': '2026-11-25T10:10:00Z', 'waiting_minutes': 20},
        {'student': 'ana', 'host': '192.0.2.1', 'step': 'nginx_not_on_host', 'step_title': 'not on the host',
         'message': 'late', 'raised_at': '2026-11-25T10:20:00Z', 'waiting_minutes': 10}]
    assert report['attention']['hands'] == 2
    assert [host['hand'] for host in report['hosts']][2] is None


@pytest.mark.parametrize('raised_at, shown, waiting', [
    ('1970-01-01T00:00:00Z', SESSION, 30),       # before the session: since it started
    ('2099-01-01T00:00:00Z', NOW, 0),            # in the future: now
])
def test_a_fake_time_is_clamped_to_the_session(raised_at, shown, waiting):
    report = report_of(vm1=dict(with_hand(challenge(STEP_IDS[:1]), raised_at, 'x'), student='ana'))
    assert (report['hands'][0]['raised_at'], report['hands'][0]['waiting_minutes']) == (shown, waiting)
    assert report['hosts'][0]['hand'] == {'message': 'x', 'raised_at': shown, 'waiting_minutes': waiting}


def test_a_student_through_every_step_may_still_raise_a_hand():
    report = report_of(vm1=dict(with_hand(challenge(STEP_IDS), NOW, 'done, what next?'), student='ana'))
    assert (report['hands'][0]['step'], report['hands'][0]['step_title']) == (None, '')


def test_the_stuck_are_listed_longest_idle_first():
    report = report_of(
        vm1=dict(challenge(STEP_IDS[:2], last='2026-11-25T10:15:00Z'), student='ana'),
        vm2=dict(challenge(STEP_IDS[:4], last='2026-11-25T10:05:00Z'), student='bruno'),
        vm3=dict(challenge(STEP_IDS[:2], last='2026-11-25T10:25:00Z'), student='carla'),
    )
    assert [(one['student'], one['step'], one['idle_minutes']) for one in report['stuck']] == [
        ('bruno', 'nginx_by_ip', 25), ('ana', 'nginx_netns', 15)]


def test_the_terminal_table_marks_a_raised_hand_and_lists_the_queue_in_the_reports_language():
    hosts = {'vm1': dict(with_hand(challenge(STEP_IDS[:1]), '2026-11-25T10:10:00Z', 'boom\n\u202eevil'), student='ana'),
             'vm2': dict(challenge(STEP_IDS[:1]), student='bruno')}
    lines = class_report_table(report_of(lang='es', **hosts), 'r.html').split('\n')
    assert lines[1].startswith('ana ') and lines[1].endswith(' [mano] [atascado]') and '[mano]' not in lines[2]
    assert lines[3:5] == ['Manos levantadas, la más antigua primero:', '  ana (users_uid, 20 min): boom\ufffd\ufffdevil']
    assert len(lines) == 6


# The columns by scenario -------------------------------------------------------------------------------------


def test_challenge_columns_are_grouped_by_scenario_with_how_many_passed_each_part():
    report = report_of(lang='es', vm1=dict(challenge(STEP_IDS[:3]), student='ana'),
                       vm2=dict(challenge(STEP_IDS[:6]), student='bruno'))
    assert [(group['id'], group['title'], group['passed']) for group in report['groups']] == [
        ('users', 'Usuarios y UIDs', 2), ('nginx', 'nginx y su espacio de red', 1), ('network', 'Redes aisladas', 0),
        ('files', 'UIDs y permisos de archivos', 0), ('overlay', 'El sistema de archivos overlay', 0),
        ('scratch', 'Un contenedor desde cero', 0)]
    assert [column['id'] for group in report['groups'] for column in group['columns']] == list(STEP_IDS)
    assert [(column['title'], column['passed']) for column in report['groups'][1]['columns']] == [
        ('nginx en su netns', 2), ('ausente en el host', 1), ('alcanzado por IP', 1)]


def test_demo_columns_follow_the_judges_scenarios_userns_with_users():
    outcomes = {oid: {'status': 'pass', 'evidence': ''} for ids in OUTCOMES.values() for oid in ids}
    report = report_of(vm1={'student': 'ana', 'lab_verify_mode': 'demo', 'lab_outcomes': outcomes})
    assert [group['id'] for group in report['groups']] == ['users', 'nginx', 'network', 'files', 'overlay', 'scratch']
    assert [column['id'] for column in report['groups'][0]['columns']] == list(OUTCOMES["users"])
    assert all(group['passed'] == 1 for group in report['groups'])
    assert report['hands'] == [] and report['stuck'] == []
