# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab_report role writes report.json and a report.html a browser shows as the class."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVENTORY = os.path.join(REPO, 'tests', 'system', 'fixtures', 'report_inventory.yml')
SCREENSHOT = os.path.join(REPO, 'tests', 'output', 'report.png')
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync']


@pytest.fixture(scope='module')
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp('report')
    playbook = out / 'report.yml'
    playbook.write_text(
        '- hosts: localhost\n  connection: local\n  gather_facts: false\n'
        '  roles: [{role: microlab.docker_internals.lab_report, lab_report_dir: "%s"}]\n' % out)
    result = subprocess.run(['ansible-playbook', '-i', INVENTORY, str(playbook)],
                            cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # The default language, the course's: Spanish.
    assert re.search(r'carla\s+192\.0\.2\.13\s+inalcanzable\s+no se pudo llegar a la VM: ssh: connect', result.stdout), \
        result.stdout
    return out


@pytest.mark.parametrize('lang, words', [
    ('en', 'lab_report_grades=true needs challenge mode (-e lab_mode=challenge)'),
    ('es', 'lab_report_grades=true necesita el modo desafío (-e lab_mode=challenge)'),
])
def test_grades_of_a_demo_class_are_refused_before_any_file_is_written(tmp_path, lang, words):
    playbook = tmp_path / 'report.yml'
    playbook.write_text(
        '- hosts: localhost\n  connection: local\n  gather_facts: false\n'
        '  roles: [{role: microlab.docker_internals.lab_report, lab_report_dir: "%s"}]\n' % (tmp_path / 'out'))
    result = subprocess.run(['ansible-playbook', '-i', INVENTORY, str(playbook), '-e', 'lab_report_grades=true',
                             '-e', 'lab_language=' + lang], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and words in result.stdout, result.stdout + result.stderr
    assert not (tmp_path / 'out').exists()


def test_report_json_follows_the_schema(report_dir):
    report = json.loads((report_dir / 'report.json').read_text())
    assert report['schema_version'] == 2
    assert report['summary'] == {'pass': 1, 'fail': 1, 'unreachable': 1}
    by_student = {vm['student']: vm for vm in report['hosts']}
    assert [vm['status'] for vm in report['hosts']] == ['pass', 'fail', 'unreachable']
    assert report['lang'] == 'es'
    assert (by_student['bruno']['reason_id'], by_student['bruno']['reason']) == (
        'failing', 'no pasan: nginx_listens_in_netns')
    assert by_student['bruno']['outcomes']['nginx_listens_in_netns']['status'] == 'fail'
    assert by_student['carla']['outcomes'] == {}


def test_report_html_shows_the_class_in_a_browser(report_dir):
    chromium = shutil.which('chromium')
    assert chromium, 'Debian chromium is not installed: `apt-get install chromium` (scripts/test.sh does)'
    page = 'file://%s' % (report_dir / 'report.html')
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, '--user-data-dir=%s' % (report_dir / 'profile'),
                          '--dump-dom', page], capture_output=True, text=True, check=True, timeout=120).stdout
    rows = re.findall(r'<tr class="host" data-student="(\w+)" data-status="(\w+)"', dom)
    assert rows == [('ana', 'pass'), ('bruno', 'fail'), ('carla', 'unreachable')]
    assert '&lt;nginx killed&gt;' in dom, 'evidence must be HTML-escaped'
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    subprocess.run([chromium, *CHROMIUM_FLAGS, '--user-data-dir=%s' % (report_dir / 'profile'),
                    '--window-size=900,420', '--screenshot=%s' % SCREENSHOT, page],
                   capture_output=True, check=True, timeout=120)
    assert os.path.getsize(SCREENSHOT) > 5000


# verify.yml with a VM that answers hostile data -------------------------------------------------------------

XSS = '"><img src=x onerror=alert(1)>'
STEPS = ['users_root', 'users_uid', 'nginx_netns', 'nginx_not_on_host', 'nginx_by_ip', 'network_created',
         'network_bridge_200', 'network_lonely_timeout', 'networks_differ']


def honest_facts():
    steps = {step: {'status': 'pass' if index < 3 else 'fail', 'evidence': 'seen %s' % step, 'hints': 0,
                    'solved_by_lab': False, 'first_passed_at': '2026-11-25T10:05:00Z' if index < 3 else None}
             for index, step in enumerate(STEPS)}
    return {'lab_challenge': {'configured': True, 'steps': steps, 'started_at': '2026-11-25T10:01:00Z',
                              'last_progress_at': '2026-11-25T10:05:00Z'}}


def hostile_facts():
    facts = honest_facts()
    facts['lab_challenge']['steps']['users_uid'].update(hints='many', first_passed_at=XSS, status=XSS)
    facts['lab_challenge']['started_at'] = '1970-01-01T00:00:00Z'
    facts.update(student='ana', lab_verify_reach={'reachable': False, 'msg': 'x'},
                 lab_session_start_resolved='1970-01-01T00:00:00Z')
    return facts


def fake_vm(directory, name, facts):
    """A VM whose Python its root replaced: whatever module verify sends, it answers with these facts."""
    vm = directory / name
    vm.mkdir()
    (vm / 'facts.json').write_text(json.dumps({'changed': False, 'ansible_facts': facts}))
    python = vm / 'python'
    python.write_text('#!/bin/sh\ncat >/dev/null\ncat %s\n' % (vm / 'facts.json'))
    python.chmod(0o755)
    return str(python)


@pytest.fixture(scope='module')
def hostile_class(tmp_path_factory):
    out = tmp_path_factory.mktemp('hostile')
    hosts = {'vm-ana': ('ana', honest_facts()), 'vm-mallory': ('mallory', hostile_facts())}
    inventory = {'lab_vms': {'vars': {'ansible_connection': 'local', 'ansible_become': False}, 'hosts': {
        name: {'student': student, 'ansible_python_interpreter': fake_vm(out, name, facts)}
        for name, (student, facts) in hosts.items()}}}
    (out / 'inventory.yml').write_text(json.dumps(inventory))
    (out / 'report').mkdir()
    (out / 'report' / 'session.json').write_text('{"session_start": "2026-11-25T10:00:00Z"}\n')
    result = subprocess.run(['ansible-playbook', '-i', str(out / 'inventory.yml'), 'playbooks/verify.yml',
                             '-e', 'lab_mode=challenge', '-e', 'lab_report_dir=%s' % (out / 'report'), '-e', 'lab_language=en'],
                            cwd=REPO, capture_output=True, text=True, check=False, timeout=300)
    return out / 'report', result


def test_verify_with_a_hostile_vm_still_writes_the_class_report(hostile_class):
    report_dir, result = hostile_class
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((report_dir / 'report.json').read_text())
    by_student = {vm['student']: vm for vm in report['hosts']}
    assert sorted(by_student) == ['ana', 'mallory']  # mallory's fact 'student: ana' renames nobody
    assert (by_student['mallory']['status'], by_student['mallory']['reason']) == (
        'fail', 'verify stopped: the VM returned lab_challenge.steps.users_uid.hints that is not a whole number')
    assert (by_student['ana']['status'], by_student['ana']['progress']['passed']) == ('fail', 3)
    assert report['session_start'] == '2026-11-25T10:00:00Z'
    html = (report_dir / 'report.html').read_text()
    assert '<img' not in html and 'data-student="mallory" data-status="fail"' in html


# The session's start: the controller's -------------------------------------------------------------------

SESSION_PLAY = '''- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - {name: Record, ansible.builtin.include_role: {name: microlab.docker_internals.lab_report, tasks_from: %s}}
    - {name: Resolve, ansible.builtin.include_role: {name: microlab.docker_internals.lab_report, tasks_from: session}}
    - {name: Show, ansible.builtin.debug: {msg: "START={{ lab_report_session_start_resolved }} KNOWN={{ lab_report_session_start_known }}."}}
'''


def run_session(directory, entry_point='record_session', *extra):
    playbook = directory / ('%s.yml' % entry_point)
    playbook.write_text(SESSION_PLAY % entry_point)
    return subprocess.run(['ansible-playbook', str(playbook), '-e', 'lab_report_dir=%s' % (directory / 'report'),
                           *extra], cwd=REPO, capture_output=True, text=True, check=False, timeout=120)


def test_lab_yml_records_the_session_start_once_and_verify_reads_it(tmp_path):
    first = run_session(tmp_path)
    assert first.returncode == 0 and 'changed=2' in first.stdout, first.stdout + first.stderr  # directory and file
    recorded = json.loads((tmp_path / 'report' / 'session.json').read_text())['session_start']
    assert re.fullmatch(r'20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ', recorded)
    second = run_session(tmp_path)
    assert second.returncode == 0 and 'changed=0' in second.stdout, second.stdout
    assert 'START=%s KNOWN=%s.' % (recorded, recorded) in second.stdout
    assert json.loads((tmp_path / 'report' / 'session.json').read_text())['session_start'] == recorded
    # The instructor's value wins over the record; reset.yml's entry point removes the record.
    given = run_session(tmp_path, 'record_session', '-e', 'lab_session_start=2026-11-25T09:00:00Z')
    assert 'START=2026-11-25T09:00:00Z' in given.stdout, given.stdout
    ended = run_session(tmp_path, 'end_session')
    assert ended.returncode == 0 and not (tmp_path / 'report' / 'session.json').exists(), ended.stdout
    # With no record (verify from another directory, after reset.yml) the report's start is now, but the
    # VMs get none: "now" would drop every run the students made before verify.
    assert re.search(r'START=20\d\d-\S+Z KNOWN=\.', ended.stdout), ended.stdout


@pytest.mark.parametrize('lang, words', [
    ('en', 'lab_report_session_start must be a UTC time such as 2026-11-25T10:00:00Z, or empty (got "yesterday")'),
    ('es', 'lab_report_session_start tiene que ser una hora UTC como 2026-11-25T10:00:00Z, o estar vacío '
           '(se recibió "yesterday")'),
])
def test_a_session_start_not_in_the_format_is_refused_before_any_change(tmp_path, lang, words):
    result = run_session(tmp_path, 'record_session', '-e', 'lab_session_start=yesterday', '-e', 'lab_language=%s' % lang)
    assert result.returncode != 0 and words in result.stdout, result.stdout
    assert 'changed=0' in result.stdout and not (tmp_path / 'report').exists()
