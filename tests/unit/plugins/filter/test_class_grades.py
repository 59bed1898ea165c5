# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class report's grades and session window: class_report with a scoring table and an end, and the CSV files."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.class_grades import class_grades_csv
from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report, class_report_table
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_scoring import DEFAULT_SCORING
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS

START = '2026-11-25T10:00:00Z'
END = '2026-11-25T11:00:00Z'
# Every step's default points: the scenarios' units declare them.
FULL = sum(DEFAULT_SCORING['steps'].values())


def vm(first='2026-11-25T10:20:00Z', hints=0, **inventory):
    steps = {step: {'status': 'pass', 'evidence': 'seen', 'hints': hints if step == 'users_root' else 0,
                    'solved_by_lab': False, 'first_passed_at': first if step == 'networks_differ' else START}
             for step in STEP_IDS}
    return dict(inventory, lab_verify_mode='challenge', lab_verify_reach={'reachable': True}, lab_verify_error='',
                lab_challenge={'steps': steps, 'started_at': START, 'last_progress_at': first})


def report(hostvars, generated='2026-11-25T10:30:00Z', **options):
    options.setdefault('scoring', {})
    return class_report(hostvars, sorted(hostvars), generated=generated, session_start=START, lang='en', **options)


def test_each_student_gets_the_tables_points_in_the_report():
    graded = report({'vm1': vm(student='ana', hints=2), 'vm2': vm(student='bruno')},
                    scoring={'steps': {'users_root': 20}, 'hint': 3})
    ana, bruno = graded['hosts']
    assert ana['grade']['points']['users_root'] == 14 and ana['grade']['total'] == FULL + 4
    assert bruno['grade']['total'] == graded['grades']['max'] == FULL + 10
    assert graded['grades']['scoring']['hint'] == 3 and graded['grades']['scoring']['solved_by_lab'] == 10
    assert (ana['grade_identifier'], graded['grades']['left_out']) == ('ana', [])


def test_without_grades_the_report_has_none():
    plain = report({'vm1': vm(student='ana')}, scoring=None)
    assert plain['grades'] is None and plain['hosts'][0]['grade'] is None


@pytest.mark.parametrize('generated, closed, minutes, total', [
    ('2026-11-25T10:30:00Z', False, 30, FULL),
    ('2026-11-25T10:59:01Z', False, 1, FULL),
    ('2026-11-25T11:00:00Z', True, None, FULL),
    ('2026-11-25T12:30:00Z', True, None, FULL),
])
def test_the_window_says_closed_and_the_grade_stays_what_it_was_at_the_end(generated, closed, minutes, total):
    graded = report({'vm1': vm(student='ana')}, generated=generated, session_end=END)
    assert (graded['session_end'], graded['closed'], graded['closes_in_minutes']) == (END, closed, minutes)
    assert graded['hosts'][0]['grade']['total'] == total


def test_a_step_first_passed_after_the_end_does_not_change_the_grade():
    before = report({'vm1': vm(student='ana', first=None)}, generated='2026-11-25T12:00:00Z', session_end=END)
    after = report({'vm1': vm(student='ana', first='2026-11-25T11:20:00Z')}, generated='2026-11-25T12:00:00Z',
                   session_end=END)
    assert before['hosts'][0]['grade']['total'] == after['hosts'][0]['grade']['total'] == FULL - 15
    assert after['hosts'][0]['grade']['late'] == ['networks_differ']
    # Without an end the same step counts.
    assert report({'vm1': vm(student='ana', first='2026-11-25T11:20:00Z')},
                  generated='2026-11-25T12:00:00Z')['hosts'][0]['grade']['total'] == FULL


def test_verify_run_where_no_session_start_is_known_still_counts_the_passes_before_the_end():
    """Without lab_session_start or session.json the session "starts" when verify runs (after the end, say): the
    report shows the times clamped to that, but the grade compares the VM's own times with the end."""
    late = '2026-11-25T12:00:00Z'
    graded = class_report({'vm1': vm(student='ana')}, ['vm1'], generated=late, session_start=late, session_end=END,
                          scoring={}, lang='en')
    assert graded['hosts'][0]['steps']['users_root']['first_passed_at'] == late
    assert graded['hosts'][0]['grade']['total'] == FULL and graded['closed']


def test_a_vm_cannot_move_its_pass_before_the_start_nor_after_now():
    early = report({'vm1': vm(student='ana', first='1970-01-01T00:00:00Z')}, session_end=END)
    assert early['hosts'][0]['steps']['networks_differ']['first_passed_at'] == START
    # A time in the future is clamped to now (10:30), before the end: the VM's claim changes nothing else.
    future = report({'vm1': vm(student='ana', first='2099-01-01T00:00:00Z')}, session_end=END)
    assert future['hosts'][0]['grade']['total'] == FULL


def test_an_unreachable_vm_is_left_out_of_grades_not_given_0():
    graded = report({'vm1': vm(student='ana'), 'vm2': {'student': 'bruno', 'lab_verify_reach': {'reachable': False}}})
    assert graded['hosts'][1]['grade'] is None
    assert graded['grades']['left_out'] == [{'student': 'bruno', 'reason_id': 'not_graded'}]
    assert len(class_grades_csv(graded, 'moodle').splitlines()) == 2


@pytest.mark.parametrize('lang, line', [
    ('en', 'The session closed at 2026-11-25T11:00:00Z: steps passed after it earn no points; the grades are frozen.'),
    ('es', 'La sesión cerró a las 2026-11-25T11:00:00Z: los pasos logrados después no suman puntos; las notas quedaron fijas.'),
])
def test_the_terminal_says_the_session_is_closed_in_the_reports_language(lang, line):
    graded = report({'vm1': vm(student='ana')}, generated='2026-11-25T11:30:00Z', session_end=END)
    assert class_report_table(dict(graded, lang=lang)).splitlines()[-1] == line


@pytest.mark.parametrize('options, words', [
    ({'scoring': {'hint': -1}}, 'lab_report_scoring.hint must be a number from 0 to 1000'),
    ({'identifier': 'mail'}, 'identifier must be one of username, email, idnumber'),
])
def test_a_bad_table_or_identifier_stops_the_filter(options, words):
    with pytest.raises(AnsibleFilterError, match=words):
        report({'vm1': vm(student='ana')}, **options)


def test_the_csv_filter_needs_grades_and_a_known_kind():
    with pytest.raises(AnsibleFilterError, match='no grades'):
        class_grades_csv(report({'vm1': vm()}, scoring=None))
    with pytest.raises(AnsibleFilterError, match='kind'):
        class_grades_csv(report({'vm1': vm()}), 'xlsx')
