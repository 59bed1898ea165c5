# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import csv
import io

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_scoring
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import grades

TABLE = lab_scoring.table({})
# Every step's default points: the scenarios' units declare them.
FULL = sum(TABLE['steps'].values())
END = '2026-11-25T11:00:00Z'


def step(status='pass', first='2026-11-25T10:10:00Z', hints=0, solved=False, before_pass=None):
    return {'status': status, 'evidence': '', 'hints': hints, 'solved_by_lab': solved, 'first_passed_at': first,
            'hints_before_pass': hints if before_pass is None else before_pass}


def all_steps(**changes):
    return dict({name: step() for name in STEP_IDS}, **changes)


def test_the_defaults_add_up_the_units_points_and_every_step_earns_its_own():
    graded = grades.grade(all_steps(), TABLE)
    assert graded['total'] == graded['max'] == FULL
    assert graded['points'] == TABLE['steps'] and graded['late'] == []


@pytest.mark.parametrize('entry, points', [
    (step(hints=1), 8),                       # 10 - 2
    (step(hints=3), 4),                       # 10 - 3 * 2
    (step(solved=True), 0),                   # 10 - 10
    (step(hints=3, solved=True), 0),          # never below 0
    (step(status='fail'), 10),                # passed before (first_passed_at), not now: it was done
    (step(first=None), 10),                   # passes now, never checked with `lab check`: the session is open
    (step(status='fail', first=None, hints=3), 0),  # not done: hints on it cost nothing
    (step(status='fail', hints=3, before_pass=1), 8),  # passed, broke, two hints asked since: only the first costs
])
def test_a_step_loses_what_hints_and_lab_solve_cost(entry, points):
    graded = grades.grade(all_steps(users_root=entry), TABLE)
    assert graded['points']['users_root'] == points and graded['total'] == FULL - 10 + points


def test_an_instructors_table_changes_points_and_costs():
    table = lab_scoring.table({'steps': {'users_root': 2.5}, 'hint': 0.5})
    graded = grades.grade(all_steps(users_root=step(hints=1), users_uid=step(solved=True)), table)
    assert graded['points']['users_root'] == 2 and graded['points']['users_uid'] == 0
    assert graded['max'] == FULL - 7.5 and graded['total'] == FULL - 7.5 - 10 - 0.5
    assert (graded['hints'], graded['solved_by_lab']) == (1, 1)


def test_a_step_first_passed_after_the_end_earns_nothing_and_is_named():
    late = all_steps(networks_differ=step(first='2026-11-25T11:00:01Z'), nginx_by_ip=step(first=END))
    open_ = grades.grade(late, TABLE, END, closed=False)
    assert open_['points']['networks_differ'] == 0 and open_['points']['nginx_by_ip'] == 10
    assert open_['late'] == ['networks_differ'] and open_['total'] == FULL - 15


def test_a_closed_session_counts_only_steps_known_to_pass_by_its_end():
    late = all_steps(users_root=step(first=None), users_uid=step(first='2026-11-25T12:00:00Z', hints=3))
    closed = grades.grade(late, TABLE, END, closed=True)
    assert closed['points']['users_root'] == 0 and closed['points']['users_uid'] == 0
    assert closed['late'] == ['users_root', 'users_uid'] and closed['total'] == FULL - 20
    # The same steps before the end: the grade is what it was, whenever verify runs after the end.
    assert grades.grade(all_steps(), TABLE, END, closed=True)['total'] == FULL


@pytest.mark.parametrize('value, shown', [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ('+1', "'+1"), ('-2+3', "'-2+3"), ('@SUM(A1)', "'@SUM(A1)"), ('  =1+1', "'  =1+1"),
    ('\t=1', '\ufffd=1'),             # a tab is replaced first: the cell no longer starts a formula
    ('ana@example.org', 'ana@example.org'), ('ana', 'ana'), (7, '7'), (2.5, '2.5'), (None, ''),
    ('a\nb', 'a\ufffdb'), ('x' * 300, 'x' * 199 + '\u2026'),
])
def test_no_cell_becomes_a_formula_a_new_row_or_a_huge_cell(value, shown):
    assert grades.cell(value) == shown


def report(**grade_ids):
    hosts = []
    for student, identifier in sorted(grade_ids.items()):
        graded = None if identifier is None else grades.grade(all_steps(), TABLE)
        hosts.append({'student': student, 'host': '192.0.2.1', 'grade': graded,
                      'grade_identifier': identifier or ''})
    return {'lang': 'en', 'hosts': hosts, 'grades': {'identifier': 'email'}}


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_moodle_csv_has_the_identifier_and_the_grade_item_of_each_graded_student():
    text = grades.moodle_csv(report(ana='=cmd|x', bruno='bruno@example.org', carla='', dario=None), 'Lab')
    assert text.endswith('\r\n')
    assert rows(text) == [['Email address', 'Lab'], ["'=cmd|x", str(FULL)], ['bruno@example.org', str(FULL)]]


def test_detail_csv_has_every_student_with_points_per_step():
    given = report(ana='a', dario=None)
    given['lang'] = 'es'
    table = rows(grades.detail_csv(given))
    assert table[0] == ['estudiante', 'dirección'] + list(STEP_IDS) + ['pistas', 'resueltos por el laboratorio', 'nota']
    assert table[1] == ['ana', '192.0.2.1'] + [str(TABLE['steps'][name]) for name in STEP_IDS] + ['0', '0', str(FULL)]
    assert table[2] == ['dario', '192.0.2.1'] + [''] * (len(STEP_IDS) + 3)
