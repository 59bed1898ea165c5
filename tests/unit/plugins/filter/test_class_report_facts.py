# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A VM's facts must not rename its student or move its address in the class report:
facts take precedence over inventory variables, and the VM's root chooses its facts."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.microlab.docker_internals.plugins.filter.class_grades import class_grades_csv
from ansible_collections.microlab.docker_internals.plugins.filter.class_report import class_report, class_report_table
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_scoring import DEFAULT_SCORING
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'fact_shadow')
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
PASS = {'status': 'pass', 'evidence': 'uid 1234'}
CLAIMS = {'student': 'mallory', 'host': '203.0.113.66'}


class FakeHost:
    """An inventory host: its own variables only."""

    def __init__(self, variables):
        self.vars = variables


class FakeInventory:
    def __init__(self, hosts):
        self.hosts = hosts

    def get_host(self, name):
        return self.hosts.get(name)


class FakeHostVars(dict):
    """hostvars as a filter receives it: merged variables, and the inventory behind them."""

    def __init__(self, merged, inventory):
        super().__init__(merged)
        self._inventory = inventory


def merged_with_claims(inventory_vars):
    """What hostvars holds once the VM answered CLAIMS as facts: facts win over the inventory."""
    return dict(inventory_vars, student=CLAIMS['student'], lab_outcomes={'users_uid_matches': PASS},
                ansible_facts=dict(CLAIMS, lab_outcomes={'users_uid_matches': PASS}))


@pytest.mark.parametrize('inventory_vars, expected', [
    ({'student': 'ana', 'ansible_host': '192.0.2.11'}, ('ana', '192.0.2.11')),
    ({'ansible_host': '192.0.2.12'}, ('vm1', '192.0.2.12')),
])
def test_inventory_wins_over_facts(inventory_vars, expected):
    hostvars = FakeHostVars({'vm1': merged_with_claims(inventory_vars)},
                            FakeInventory({'vm1': FakeHost(inventory_vars)}))
    entry, = class_report(hostvars, ['vm1'])['hosts']
    assert (entry['student'], entry['host']) == expected


def test_without_the_inventory_a_shadowed_student_is_the_inventory_name():
    entry, = class_report({'vm1': merged_with_claims({'student': 'ana', 'ansible_host': '192.0.2.11'})},
                          ['vm1'])['hosts']
    assert entry['student'] == 'vm1'
    assert entry['student'] != CLAIMS['student']


@pytest.mark.parametrize('values, expected', [
    ({'student': 'ana', 'ansible_host': '192.0.2.11', 'ansible_facts': {'distribution': 'Debian'}}, ('ana', '192.0.2.11')),
    ({'student': 'ana', 'ansible_host': '192.0.2.11'}, ('ana', '192.0.2.11')),
])
def test_variables_no_fact_shadows_are_kept(values, expected):
    """Group and host_vars files are not in the inventory host's own vars: without a fact of
    that name, the merged value is the inventory's."""
    entry, = class_report(FakeHostVars({'vm1': dict(values, lab_outcomes={'x': PASS})},
                                       FakeInventory({'vm1': FakeHost({})})), ['vm1'])['hosts']
    assert (entry['student'], entry['host']) == expected


def test_a_vm_claiming_another_student_in_a_real_play(tmp_path):
    """ansible-playbook with a module that returns student/ansible_host facts, then the filter."""
    report = tmp_path / 'report.json'
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_LIBRARY=os.path.join(FIXTURE, 'library'),
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    env.pop('ANSIBLE_INVENTORY', None)
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                           '-i', os.path.join(FIXTURE, 'inventory.yml'), os.path.join(FIXTURE, 'report.yml'),
                           '-e', 'report_path=%s' % report], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    hosts = {entry['inventory_hostname']: entry for entry in json.loads(report.read_text())['hosts']}
    assert (hosts['vm1']['student'], hosts['vm1']['host']) == ('ana', '192.0.2.11')
    # vm2's student comes from a host_vars file, which the inventory host does not hold itself.
    assert hosts['vm2']['student'] in ('bruno', 'vm2')
    assert CLAIMS['student'] not in (hosts['vm1']['student'], hosts['vm2']['student'])


def challenge_vm(**inventory):
    steps = {step: {'status': 'pass', 'hints': 0, 'first_passed_at': '2026-11-25T10:10:00Z'} for step in STEP_IDS}
    return dict(inventory, lab_verify_mode='challenge', lab_challenge={'steps': steps})


def test_the_identifier_comes_from_the_roster_never_from_the_vm():
    merged = dict(challenge_vm(student='ana', email='ana@school.example', idnumber='A-1'),
                  email='=HYPERLINK("http://evil")', ansible_facts={'email': '=HYPERLINK("http://evil")'})
    hostvars = FakeHostVars({'vm1': merged, 'vm2': challenge_vm(student='bruno')},
                            FakeInventory({'vm1': FakeHost({'student': 'ana', 'email': 'ana@school.example'}),
                                           'vm2': FakeHost({'student': 'bruno'})}))
    graded = class_report(hostvars, ['vm1', 'vm2'], generated='2026-11-25T10:30:00Z', lang='en', scoring={},
                          identifier='email')
    ana, bruno = graded['hosts']
    assert ana['grade_identifier'] == 'ana@school.example' and bruno['grade_identifier'] == ''
    assert graded['grades']['left_out'] == [{'student': 'bruno', 'reason_id': 'no_identifier'}]
    rows = list(csv.reader(io.StringIO(class_grades_csv(graded, 'moodle', item='Docker lab'))))
    assert rows == [['Email address', 'Docker lab'], ['ana@school.example', str(sum(DEFAULT_SCORING['steps'].values()))]]
    # The student missing from grades.csv is named in the terminal, never silently dropped.
    assert class_report_table(graded).splitlines()[-1] == 'Not in grades.csv: bruno has no email in the roster.'
