# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input to every variable of every role: the play must stop before any task reports changed,
with a message that names the variable.

One ansible-playbook run per role, in check mode on this machine, with one inventory host per case
(all `ansible_connection: local`): the host's variables are the case's bad value. A control host with
no bad value runs in the same play and must not fail, so a role that fails for everyone cannot pass
these tests. The table is built from the argument specs (bad_input_table.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from bad_input_table import REPO, ROLES, case_id, cases

CASES = cases()
CONTROL = 'control'
# Valid values other than the defaults, in a second control host: the checks must let them through.
VALID = {
    'docker_host': {'docker_host_users': ['root'], 'docker_host_daemon_options': {'log-driver': 'local'}},
    'lab_students': {
        'lab_students_password_hash': '$6$microlab$WUG08WGFxiAKcOl2frKVwuknRJJxM507elzUfa96sT4weSrFsr5QoEmJIe8/5yxYETQ'
                                      'CG3X3nKzGGG2k9sP9M1',
        'lab_students_authorized_key': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdLq4Q6J5nUu0ed1yO8a2s1rQ0 ana@laptop',
        'lab_students_spare_seats': 2,
        'lab_students_spare_password_hash': '$y$j9T$abcdefghijklmnop$0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcde',
    },
    'lab_report': {'lab_report_hosts': [CONTROL], 'lab_report_title': 'Class of Monday'},
}
# More valid values, one control host each: what the plausibility checks must still let through.
MORE_VALID = {
    'docker_host': [
        {'docker_host_daemon_options': {'hosts': ['unix:///var/run/docker.sock', 'fd://']}},
        {'docker_host_daemon_options': {'hosts': ['tcp://0.0.0.0:2376'], 'tlsverify': True,
                                        'tlscacert': '/etc/docker/ca.pem'}},
        {'docker_host_daemon_options': {'hosts': ['tcp://127.0.0.1:2375']}, 'docker_host_allow_insecure_tcp': True},
        {'docker_host_docker_repo_url': 'http://mirror.lan/docker/linux', 'docker_host_allow_insecure_key_url': 'true'},
        {'docker_host_supervisor_pidfile': '/run/microlab/dockerd-1.pid',
         'docker_host_supervisor_logfile': '/var/log/microlab_dockerd.log'},
    ],
    'lab_images': [
        {'lab_images_build_suite': 'trixie', 'lab_images_build_mirror': 'https://deb.debian.org/debian/',
         'lab_images_build_packages': ['nginx-light', 'libstdc++6', 'g++-12'],
         'lab_images_build_dir': '/srv/microlab_images/'},
        {'lab_images_build_mirror': 'file:///srv/mirror/debian'},
        {'lab_images_build_mirror': 'http://[2001:db8::1]:3142/debian'},
    ],
}

# Roles whose whole run cannot be simulated with --check (lab_class_services starts services and asks
# them for health): their `check` entry point, which checks the same variables and changes nothing.
ENTRY_POINTS = {'lab_class_services': 'check'}

# Inputs a role accepts although it should not, {(variable, kind): reason}: each runs as a strict
# xfail, so fixing the role turns it red until its entry goes. None left today.
KNOWN_GAPS = {}


def inventory_for(role, role_cases):
    # Check mode starts no container, so the scenarios' outcomes cannot pass: only the input is judged.
    base = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
            'lab_users_fail_on_outcome': False, 'lab_nginx_fail_on_outcome': False, 'lab_network_fail_on_outcome': False,
            'lab_files_fail_on_outcome': False, 'lab_overlay_fail_on_outcome': False,
            'lab_scratch_fail_on_outcome': False}
    if role == 'lab_students':
        base['student'] = 'reltest'
    hosts = {CONTROL: {}, CONTROL + '_valid': VALID.get(role, {})}
    for index, values in enumerate(MORE_VALID.get(role, [])):
        hosts['%s_valid%d' % (CONTROL, index + 2)] = values
    for index, case in enumerate(role_cases):
        hosts['case%03d' % index] = {case[1]: case[3]}
    return {'all': {'vars': base, 'hosts': hosts}}


def run_role(role, role_cases, work):
    inventory = os.path.join(work, role + '.inventory.json')
    with open(inventory, 'w', encoding='utf-8') as handle:
        json.dump(inventory_for(role, role_cases), handle)
    playbook = os.path.join(work, role + '.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write('- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.import_role:\n'
                     '        name: microlab.docker_internals.%s\n        tasks_from: %s\n'
                     % (role, ENTRY_POINTS.get(role, 'main')))
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1',
               ANSIBLE_FORKS='40', ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    proc = subprocess.run(['ansible-playbook', '-i', inventory, playbook, '--check'], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError('no JSON from the %s play: %s %s' % (role, proc.stdout[-3000:], proc.stderr[-3000:]))
    results = {}
    for host, stats in data['stats'].items():
        failed = []
        for play in data['plays']:
            for task in play['tasks']:
                result = task['hosts'].get(host)
                if result and result.get('failed'):
                    failed.append((task['task']['name'], result.get('msg', '')))
        results[host] = {'stats': stats, 'failed': failed}
    return results


def run_all():
    """{role: {host: {'stats': ..., 'failed': [(task, msg)]}}} for every role's play."""
    work = tempfile.mkdtemp(prefix='microlab-rel-badinput-')
    try:
        return dict((role, run_role(role, [c for c in CASES if c[0] == role], work)) for role in ROLES)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope='module')
def outcomes(request):
    """The plays' results: started in the background by conftest.py while the VM tests run, or run now."""
    started = getattr(request.config, 'microlab_bad_input', None)
    return started.result() if started is not None else run_all()


@pytest.mark.parametrize('role', ROLES)
def test_control_hosts_are_not_refused(outcomes, role):
    """Valid input in the same play: the table's failures come from the bad values, not the harness."""
    hosts = [CONTROL, CONTROL + '_valid'] + ['%s_valid%d' % (CONTROL, i + 2) for i in range(len(MORE_VALID.get(role, [])))]
    for host in hosts:
        control = outcomes[role][host]
        assert control['stats']['failures'] == 0 and not control['failed'], (host, control)


def _params():
    params = []
    for case in CASES:
        marks = []
        gap = KNOWN_GAPS.get((case[1], case[2]))
        if gap:
            marks.append(pytest.mark.xfail(strict=True, reason=gap))
        params.append(pytest.param(case, id=case_id(case), marks=marks))
    return params


@pytest.mark.parametrize('case', _params())
def test_bad_input_stops_before_any_change(outcomes, case):
    role, name, kind, value = case
    role_cases = [c for c in CASES if c[0] == role]
    host = 'case%03d' % role_cases.index(case)
    result = outcomes[role][host]
    stats = result['stats']
    assert stats['failures'] >= 1 and result['failed'], \
        '%s=%r (%s) was accepted: %s' % (name, value, kind, stats)
    assert stats['changed'] == 0, '%s=%r: a task reported changed before the failure: %s' % (name, value, stats)
    message = ' '.join(' '.join(failure[1] for failure in result['failed']).split())
    assert name in message, '%s=%r (%s): the message does not name the variable: %s' % (name, value, kind, message)
