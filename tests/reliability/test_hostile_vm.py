# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A VM returns hostile data to verify: the class report stays whole for everyone else (docs/reliability.md).

A student is root on their VM and so chooses every fact it returns. No VM is needed here: the data a
hostile VM can return goes straight into the class_report filter as hostvars, and report.html is rendered
from the role's own template with Ansible's templar, as ansible.builtin.template does.
"""

from __future__ import annotations

import copy
import os
import re
import time

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template

init_plugin_loader()  # before the collection is imported, so that the templar finds its filters

# pylint: disable=wrong-import-position
from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report, class_report_table
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import vm_data

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(REPO, 'roles', 'lab_report', 'templates', 'report.html.j2')
XSS = '"><img src=x onerror=alert(1)>'
RAW_TAG = re.compile(r'<(img|script|svg|iframe)\b', re.I)
NOW = '2026-11-25T10:30:00Z'
SESSION = '2026-11-25T10:00:00Z'
PAGE_PER_VM = 64 * 1024  # bytes of report.html one VM may add, whatever it returns
SECONDS = 5.0            # time of the filter and the page for a class with one hostile VM (the template compiled)


def good_challenge(passed, last):
    steps = {step: {'status': 'pass' if index < passed else 'fail', 'evidence': 'seen %s' % step, 'hints': 1,
                    'solved_by_lab': False, 'first_passed_at': last if index < passed else None}
             for index, step in enumerate(STEP_IDS)}
    return {'steps': steps, 'started_at': SESSION, 'last_progress_at': last}


def vm(student, index, **facts):
    values = {'student': student, 'ansible_host': '192.0.2.%d' % index, 'lab_verify_reach': {'reachable': True},
              'lab_verify_error': ''}
    values.update(facts)
    return values


def challenge_class(**hostile):
    """Two honest students in challenge mode (ana on her fourth step, bruno done), and the hostile VM's facts (if any) as a third."""
    hosts = {'vm-ana': vm('ana', 1, lab_verify_mode='challenge', lab_challenge=good_challenge(3, '2026-11-25T10:25:00Z')),
             'vm-bruno': vm('bruno', 2, lab_verify_mode='challenge', lab_challenge=good_challenge(len(STEP_IDS), '2026-11-25T10:20:00Z'))}
    if hostile:
        hosts['vm-mallory'] = vm('mallory', 3, lab_verify_mode='challenge', **hostile)
    return hosts


def demo_class(**hostile):
    outcomes = {oid: {'status': 'pass', 'evidence': 'ok %s' % oid} for oid in vm_data.OUTCOME_IDS}
    hosts = {'vm-ana': vm('ana', 1, lab_verify_mode='demo', lab_outcomes=outcomes),
             'vm-bruno': vm('bruno', 2, lab_verify_mode='demo',
                            lab_outcomes=dict(outcomes, users_uid_matches={'status': 'fail', 'evidence': 'uid 0'}))}
    if hostile:
        hosts['vm-mallory'] = vm('mallory', 3, lab_verify_mode='demo', **hostile)
    return hosts


def report_of(hosts, lang='en'):
    return class_report(hosts, sorted(hosts), generated=NOW, lang=lang, session_start=SESSION)


def page(report):
    """report.html as the role writes it (ansible.builtin.template renders with this templar)."""
    variables = {'lab_report_class': report, 'lab_report_input': {'title': '', 'refresh': 0},
                 'ansible_managed': 'Ansible managed'}
    with open(TEMPLATE, encoding='utf-8') as source:
        return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(source.read()))


def others(report):
    return [entry for entry in report['hosts'] if entry['student'] != 'mallory']


def mallory(report):
    entry, = [entry for entry in report['hosts'] if entry['student'] == 'mallory']
    return entry


def steps_with(**step_values):
    challenge = good_challenge(2, '2026-11-25T10:25:00Z')
    challenge['steps']['users_uid'].update(step_values)
    return challenge


HOSTILE_CHALLENGE = {
    'hints "many"': {'lab_challenge': steps_with(hints='many')},
    'hints inf': {'lab_challenge': steps_with(hints=float('inf'))},
    'hints 10**30': {'lab_challenge': steps_with(hints=10 ** 30)},
    'first_passed_at 5': {'lab_challenge': steps_with(first_passed_at=5)},
    'first_passed_at {}': {'lab_challenge': steps_with(first_passed_at={})},
    'first_passed_at true': {'lab_challenge': steps_with(first_passed_at=True)},
    'first_passed_at XSS': {'lab_challenge': steps_with(first_passed_at=XSS)},
    'solved_by_lab "yes"': {'lab_challenge': steps_with(solved_by_lab='yes')},
    'status a list': {'lab_challenge': steps_with(status=['pass'])},
    'lab_challenge "x"': {'lab_challenge': 'x'},
    'lab_challenge [1]': {'lab_challenge': [1]},
    'steps "x"': {'lab_challenge': {'steps': 'x'}},
    'an unknown step': {'lab_challenge': {'steps': {'root_shell': {'status': 'pass'}}}},
    'started_at 2026-13-45': {'lab_challenge': dict(good_challenge(1, SESSION), started_at='2026-13-45T99:00:00Z')},
    'hand "up"': {'lab_challenge': dict(good_challenge(1, SESSION), hand='up')},
    'hand at 2026-13-45': {'lab_challenge': dict(good_challenge(1, SESSION), hand={'raised_at': '2026-13-45T99:00:00Z',
                                                                                   'message': 'x'})},
    'hand without a time': {'lab_challenge': dict(good_challenge(1, SESSION), hand={'message': XSS})},
    'hand message a dict': {'lab_challenge': dict(good_challenge(1, SESSION), hand={'raised_at': NOW, 'message': {}})},
    'hand with a made-up key': {'lab_challenge': dict(good_challenge(1, SESSION), hand={'raised_at': NOW, XSS: 'x'})},
    'lab_verify_error a dict': {'lab_verify_error': {'msg': 'x'}},
    'lab_verify_reach "no"': {'lab_verify_reach': 'no'},
}

HOSTILE_DEMO = {
    'lab_outcomes [1]': {'lab_outcomes': [1]},
    'lab_outcomes "x"': {'lab_outcomes': 'x'},
    'an outcome 5': {'lab_outcomes': {'users_uid_matches': 5}},
    'an evidence {}': {'lab_outcomes': {'users_uid_matches': {'status': 'pass', 'evidence': {}}}},
    'an unknown outcome id': {'lab_outcomes': {XSS: {'status': 'pass', 'evidence': ''}}},
    '20,000 made-up outcome ids': {'lab_outcomes': {'made_up_%d' % index: {'status': 'fail', 'evidence': 'x' * 100}
                                                    for index in range(20000)}},
}


@pytest.mark.parametrize('facts', HOSTILE_CHALLENGE.values(), ids=list(HOSTILE_CHALLENGE))
def test_a_hostile_vm_is_its_own_verify_error_in_challenge_mode(facts):
    honest = report_of(challenge_class())
    page(honest)  # compiles the template: the time below is the hostile class's own
    started = time.monotonic()
    report = report_of(challenge_class(**facts))
    html = page(report)
    assert time.monotonic() - started < SECONDS
    entry = mallory(report)
    assert (entry['status'], entry['reason_id']) == ('fail', 'verify_error')
    assert entry['reason'].startswith('verify stopped: the VM returned ')
    assert entry['steps'] == {} and entry['progress'] == {}
    assert others(report) == honest['hosts']
    assert report['step_ids'] == list(STEP_IDS)
    assert not RAW_TAG.search(html)


@pytest.mark.parametrize('facts', HOSTILE_DEMO.values(), ids=list(HOSTILE_DEMO))
def test_a_hostile_vm_is_its_own_verify_error_in_demo_mode(facts):
    honest = report_of(demo_class())
    honest_page = page(honest)
    started = time.monotonic()
    report = report_of(demo_class(**facts))
    html = page(report)
    assert time.monotonic() - started < SECONDS
    entry = mallory(report)
    assert (entry['status'], entry['reason_id'], entry['outcomes']) == ('fail', 'verify_error', {})
    assert others(report) == honest['hosts']
    assert report['outcome_ids'] == honest['outcome_ids'] == sorted(vm_data.OUTCOME_IDS)
    assert len(html.encode()) - len(honest_page.encode()) < PAGE_PER_VM
    assert not RAW_TAG.search(html)


def test_the_reasons_are_in_the_reports_language():
    report = report_of(challenge_class(lab_challenge=steps_with(hints='many')), lang='es')
    assert mallory(report)['reason'] == ('la verificación se detuvo: la VM devolvió '
                                         'lab_challenge.steps.users_uid.hints que no es un número entero')


def test_a_1970_start_makes_nobody_else_stuck():
    report = report_of(challenge_class(lab_challenge=dict(good_challenge(1, '1970-01-01T00:00:00Z'),
                                                          started_at='1970-01-01T00:00:00Z')))
    assert report['session_start'] == SESSION
    assert [entry['progress']['stuck'] for entry in others(report)] == [False, False]
    assert [entry['progress']['idle_minutes'] for entry in others(report)] == [5, 10]
    progress = mallory(report)['progress']
    # The student's own start is shown, clamped to the session: idle at most since it began.
    assert (progress['started_at'], progress['idle_minutes']) == (SESSION, 30)


def test_a_start_in_the_future_is_clamped_to_now():
    report = report_of(challenge_class(lab_challenge=dict(good_challenge(1, '2099-01-01T00:00:00Z'),
                                                          started_at='2099-01-01T00:00:00Z')))
    progress = mallory(report)['progress']
    assert (progress['started_at'], progress['last_progress_at'], progress['idle_minutes']) == (NOW, NOW, 0)


def largest_valid_vm():
    """What a VM can return that passes the check, at every cap: each text escapes to 6 times its length."""
    evidence = '"' * 5000
    outcomes = {oid: {'status': 'fail', 'evidence': evidence} for oid in vm_data.OUTCOME_IDS}
    challenge = good_challenge(0, SESSION)
    for entry in challenge['steps'].values():
        entry.update(evidence=evidence, hints=vm_data.HINTS_MAX)
    return {'lab_outcomes': outcomes, 'lab_challenge': challenge, 'lab_verify_error': ''}


@pytest.mark.parametrize('make', [challenge_class, demo_class], ids=['challenge', 'demo'])
def test_the_page_grows_by_a_bounded_size_per_vm(make):
    honest = page(report_of(make()))
    report = report_of(make(**largest_valid_vm()))
    assert mallory(report)['status'] == 'fail' and mallory(report)['reason_id'] != 'verify_error'
    growth = len(page(report).encode()) - len(honest.encode())
    assert 0 < growth < PAGE_PER_VM


def test_a_newline_or_a_bidi_override_in_a_reason_adds_no_row_to_the_terminal_table():
    reason = 'boom\nzoe              192.0.2.99       pass\u202e\u2066x\u2069\u200f\r\x1b[2J'
    report = report_of(challenge_class(lab_verify_error=reason, lab_challenge=good_challenge(1, SESSION)))
    table = class_report_table(report, 'lab-report/report.html')
    lines = table.split('\n')
    assert len(lines) == 1 + 3 + 1  # header, three VMs, counts
    assert not re.search('[\u202a-\u202e\u2066-\u2069\u200e\u200f\r\x1b]', table)
    assert 'zoe' in lines[3] and lines[3].startswith('mallory ')


def test_a_reachability_message_with_a_newline_stays_on_its_line():
    report = report_of(challenge_class(lab_verify_reach={'reachable': False, 'msg': 'x\n\u2028fake  row'}))
    lines = class_report_table(report).split('\n')
    assert len(lines) == 5 and mallory(report)['status'] == 'unreachable'


def test_every_string_a_vm_returns_is_escaped_in_the_page():
    """The VM's texts that pass the check (evidence, verify's error, the reachability message) are escaped."""
    challenge = good_challenge(3, '2026-11-25T10:25:00Z')
    for entry in challenge['steps'].values():
        entry['evidence'] = XSS
    demo = {oid: {'status': 'fail', 'evidence': XSS} for oid in vm_data.OUTCOME_IDS}
    for hosts in (challenge_class(lab_challenge=challenge), challenge_class(lab_verify_error=XSS),
                  challenge_class(lab_verify_reach={'reachable': False, 'msg': XSS}), demo_class(lab_outcomes=demo),
                  demo_class(lab_outcomes={XSS: {'status': 'pass'}})):
        report = report_of(hosts)
        html = page(report)
        assert not RAW_TAG.search(html)
        assert XSS not in html
        assert '&#34;&gt;&lt;img src=x onerror=alert(1)&gt;' in html or mallory(report)['reason_id'] == 'verify_error'


def hand_of(raised_at, message):
    return {'lab_challenge': dict(good_challenge(1, SESSION), hand={'raised_at': raised_at, 'message': message})}


HOSTILE_HANDS = {
    'a megabyte': 'x' * (1 << 20),
    'control characters': 'help\nzoe              192.0.2.99       pass\r\x1b[2J\x07',
    'a bidi override': 'abc\u202edcba\u2066x\u2069\u200f',
    'HTML': XSS + '<script>alert(1)</script>',
}


@pytest.mark.parametrize('message', HOSTILE_HANDS.values(), ids=list(HOSTILE_HANDS))
def test_a_hostile_hand_is_one_capped_line_of_text_everywhere(message):
    honest = report_of(challenge_class())
    honest_page = page(honest)
    report = report_of(challenge_class(**hand_of('2026-11-25T10:20:00Z', message)))
    hand = mallory(report)['hand']
    assert mallory(report)['status'] == 'fail' and mallory(report)['reason_id'] == 'at_step'
    assert len(hand['message']) <= vm_data.HAND_CAP
    assert not re.search('[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f]', hand['message'])
    assert report['hands'] == [dict(hand, student='mallory', host='192.0.2.3', step='users_uid', step_title='chosen UID')]
    assert (hand['raised_at'], hand['waiting_minutes']) == ('2026-11-25T10:20:00Z', 10)
    assert others(report) == honest['hosts']
    lines = class_report_table(report).split('\n')
    assert len(lines) == 1 + 3 + 2 + 1  # header, three VMs, the queue's title and its one hand, counts
    assert not re.search('[\u202a-\u202e\u2066-\u2069\u200e\u200f\r\x1b\x07]', '\n'.join(lines))
    html = page(report)
    assert not RAW_TAG.search(html) and '<script' not in html
    assert 0 < len(html.encode()) - len(honest_page.encode()) < PAGE_PER_VM


@pytest.mark.parametrize('raised_at, shown', [('1970-01-01T00:00:00Z', SESSION), ('2099-01-01T00:00:00Z', NOW)])
def test_a_hand_with_a_fake_time_waits_within_the_session(raised_at, shown):
    report = report_of(challenge_class(**hand_of(raised_at, 'x')))
    assert [(hand['student'], hand['raised_at']) for hand in report['hands']] == [('mallory', shown)]
    assert 0 <= report['hands'][0]['waiting_minutes'] <= 30


def test_the_terminal_table_cleans_a_hand_even_if_the_filter_let_it_through():
    report = copy.deepcopy(report_of(challenge_class(**hand_of(NOW, 'x'))))
    report['hands'][0].update(student='zoe\n', step='a\u202eb', message='boom\nzoe  192.0.2.99  pass\x1b[2J\u2066')
    lines = class_report_table(report).split('\n')
    assert len(lines) == 1 + 3 + 2 + 1
    assert not re.search('[\u202a-\u202e\u2066-\u2069\r\x1b]', '\n'.join(lines))


def hostile_report(mode):
    """A report whose every value is hostile, as if the filter had let it through: the template escapes anyway."""
    report = report_of(challenge_class() if mode == 'challenge' else demo_class())
    report = copy.deepcopy(report)
    for entry in report['hosts']:
        entry.update(student=XSS, host=XSS, reason=XSS, status=XSS)
        for outcome in entry['outcomes'].values():
            outcome.update(status=XSS, evidence=XSS)
        for step in entry['steps'].values():
            step.update(status=XSS, evidence=XSS, first_passed_at=XSS, hints=XSS)
        if entry['progress']:
            entry['progress'].update(passed=XSS, total=XSS, hints=XSS, solved_by_lab=XSS, idle_minutes=XSS)
        entry['hand'] = {'message': XSS, 'raised_at': XSS, 'waiting_minutes': XSS}
    report.update(generated=XSS)
    if mode == 'challenge':
        report.update(session_end=XSS, closed=True, grades={'max': XSS, 'identifier': 'email', 'left_out': []})
        for entry in report['hosts']:
            entry['grade'] = {'total': XSS, 'late': [XSS]}
    report['hands'] = [{'student': XSS, 'host': XSS, 'step': XSS, 'step_title': XSS, 'message': XSS, 'raised_at': XSS,
                        'waiting_minutes': XSS}]
    report['stuck'] = [{'student': XSS, 'host': XSS, 'step': XSS, 'step_title': XSS, 'idle_minutes': XSS}]
    for group in report['groups']:
        group.update(id=XSS, title=XSS)
        for column in group['columns']:
            column.update(id=XSS, title=XSS)
    report['outcome_ids'] = report['outcome_ids'] + [XSS]
    report['step_ids'] = report['step_ids'] + [XSS] if mode == 'challenge' else []
    return report


@pytest.mark.parametrize('mode', ['challenge', 'demo'])
def test_the_template_escapes_every_value_even_in_attributes(mode):
    html = page(hostile_report(mode))
    assert not RAW_TAG.search(html)
    assert XSS not in html
    # Statuses reach a class attribute only from the fixed set.
    classes = set(re.findall(r'class="([^"]*)"', html))
    assert all(re.fullmatch(r'[a-z -]*', value) for value in classes), classes


def test_a_hostile_vm_cannot_change_another_students_grade_nor_put_a_formula_in_grades_csv():
    """With grades on: mallory's VM claims an email fact (someone else's, or a formula), steps passed in 1970 and
    after the session's end; the other students' grades are what they were, mallory's is bounded, no cell starts a
    formula."""
    from ansible_collections.microlab.docker_internals.plugins.filter.class_grades import class_grades_csv

    def graded(hosts):
        return class_report(hosts, sorted(hosts), generated=NOW, lang='en', session_start=SESSION,
                            session_end='2026-11-25T10:26:00Z', scoring={}, identifier='email')

    honest = graded(challenge_class())
    challenge = good_challenge(len(STEP_IDS), '2099-01-01T00:00:00Z')
    challenge['steps']['users_root'].update(first_passed_at='1970-01-01T00:00:00Z', hints=0)
    report = graded(challenge_class(lab_challenge=challenge, email='=HYPERLINK("http://x","ana")',
                                    ansible_facts={'email': '=HYPERLINK("http://x","ana")'}))
    assert [entry['grade'] for entry in others(report)] == [entry['grade'] for entry in others(honest)]
    # A pass in 1970 is before the end, one in 2099 after it (clamped to now, after the end): only the first counts.
    assert mallory(report)['grade']['total'] == 10 and mallory(report)['grade']['late'] == list(STEP_IDS[1:])
    assert mallory(report)['grade_identifier'] == ''
    for kind in ('moodle', 'detail'):
        cells = [cell for line in class_grades_csv(report, kind).splitlines() for cell in line.split(',')]
        assert not any(cell.lstrip().startswith(('=', '+', '-', '@')) for cell in cells), cells
