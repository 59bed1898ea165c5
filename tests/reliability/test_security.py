# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets stay out of logs, and root is asked for only where it is needed (docs/reliability.md)."""

from __future__ import annotations

import glob
import os
import re

import pytest
import yaml

from bad_input_table import REPO

# `passwd` is left out on purpose: getent's passwd database holds no secret (shadow does).
SECRET = re.compile(r'password|secret|token|credential|_hash\b', re.I)
# Checks that read a secret to validate it and say which variable is wrong, never its value: no_log
# would hide the very message that names the variable. test_checks_never_print_a_secret holds them to it.
CHECKS = {('roles/lab_students/tasks/check.yml', 'Check the student data before creating anything')}
TASK_FILES = sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'tasks', '*.yml'))
                    + glob.glob(os.path.join(REPO, 'roles', '*', 'handlers', '*.yml')))
PLAYBOOKS = sorted(glob.glob(os.path.join(REPO, 'playbooks', '*.yml')))
SPECS = sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'meta', 'argument_specs.yml')))

# Plays that run as root on the VMs, and why (docs/reliability.md has the same list).
ROOT_PLAYS = {
    ('engine.yml', 'Prepare the lab VMs (Docker engine and lab images)'):
        'apt, /etc/docker/daemon.json, the dockerd supervisor, the docker group, and the engine socket',
    ('lab.yml', "Create the students' accounts (VMs whose roster row names a student)"):
        'useradd, passwords and authorized_keys of other accounts',
    ('lab.yml', "Run the chapter's scenarios"):
        'the engine socket, the scenarios\' directories (made without following a link), and the fact modules read '
        'other processes\' /proc and enter their namespaces',
    ('lab.yml', 'Install the lab command for the students to check, hint and solve (challenge mode)'):
        'files under /usr/local and /etc, and the history directory owned by the docker group',
    ('verify.yml', 'Verify every lab VM'): 'the engine socket and the fact modules, as for the scenarios',
    ('reset.yml', 'Reset the lab'): 'the engine socket, and the directories the lab made (never through a link)',
    ('class_services.yml', 'Run the class services'):
        'apt, the services\' units or supervisor, their configuration under /etc and data under /var/lib (on the '
        'instructor\'s machine when the inventory has no class_services group: installing services needs root there too)',
    ('browser_terminal.yml', 'Run the browser terminal'):
        'a system account and a venv under /opt for webssh, its unit or supervisor and its known_hosts under /etc '
        '(on the instructor\'s machine, like the class services)',
}


def walk_tasks(tasks):
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        yield task
        for key in ('block', 'rescue', 'always'):
            yield from walk_tasks(task.get(key))


def load(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle) or []


def secret_tasks():
    """(file, task name) of every task whose arguments or loop mention a secret."""
    found = []
    for path in TASK_FILES:
        for task in walk_tasks(load(path)):
            if any(key in task for key in ('block', 'rescue', 'always')):
                continue
            body = dict((k, v) for k, v in task.items() if k not in ('name', 'no_log', 'when', 'tags'))
            if SECRET.search(yaml.safe_dump(body)):
                found.append((os.path.relpath(path, REPO), task.get('name'), task.get('no_log')))
    return found


def test_the_secret_scan_finds_the_students_passwords():
    """The scan itself works: the one task that sets passwords is found (else the next test proves nothing)."""
    names = [found[1] for found in secret_tasks()]
    assert 'Create the accounts' in names, names


@pytest.mark.parametrize('path, name, no_log', [t for t in secret_tasks() if t[:2] not in CHECKS], ids=lambda v: v if isinstance(v, str) else None)
def test_tasks_handling_secrets_have_no_log(path, name, no_log):
    assert no_log is True, '%s: task %r handles a password or credential without no_log: true' % (path, name)


@pytest.mark.parametrize('path', SPECS, ids=lambda p: p.split(os.sep)[-3])
def test_secret_options_are_no_log_in_argument_specs(path):
    for entry in load(path)['argument_specs'].values():
        for name, option in (entry.get('options') or {}).items():
            if SECRET.search(name):
                assert option.get('no_log') is True, '%s: option %s is a secret without no_log: true' % (path, name)


def test_checks_never_print_a_secret():
    """In the listed checks, no secret variable is turned into text (to_json, ~, string)."""
    for path, name in CHECKS:
        task = [t for t in walk_tasks(load(os.path.join(REPO, path))) if t.get('name') == name]
        assert len(task) == 1, (path, name)
        text = yaml.safe_dump(task[0])
        leaks = re.findall(r'\(\s*\w*(?:password|_hash)\w*\s*\|\s*(?:to_json|string)|~\s*\w*(?:password|_hash)\w*', text)
        assert not leaks, '%s: %r prints a secret: %s' % (path, name, leaks)


def test_no_debug_prints_a_secret_variable():
    for path in TASK_FILES:
        for task in walk_tasks(load(path)):
            debug = task.get('ansible.builtin.debug')
            if debug:
                assert not SECRET.search(yaml.safe_dump(debug)), '%s: %r prints a secret' % (path, task.get('name'))


def plays():
    for path in PLAYBOOKS:
        for play in load(path):
            if 'hosts' in play:
                yield os.path.basename(path), play


def test_root_only_where_documented():
    """A play that becomes root is listed with its reason; controller plays never become root."""
    for playbook, play in plays():
        key = (playbook, play.get('name'))
        if play.get('become') is True:
            assert key in ROOT_PLAYS, '%s: play %r becomes root without a documented reason' % key
        if play.get('hosts') == 'localhost':
            assert play.get('become') is not True, '%s: play %r runs on the controller as root' % key
    seen = set((playbook, play.get('name')) for playbook, play in plays() if play.get('become') is True)
    assert seen == set(ROOT_PLAYS), 'documented but gone: %s' % (set(ROOT_PLAYS) - seen)


def test_roles_do_not_become_on_their_own():
    """Roles inherit the play's privilege; a task-level become only steps down: become: false, or
    become (keyword or ansible_become in the task's vars) to the student's own account."""
    for path in TASK_FILES:
        for task in walk_tasks(load(path)):
            task_vars = task.get('vars') or {}
            become = task.get('become', task_vars.get('ansible_become'))
            user = task.get('become_user', task_vars.get('ansible_become_user'))
            if become in (None, False):
                continue
            assert user == '{{ lab_students_name }}', \
                '%s: %r sets become: %r to %r, not to the student' % (path, task.get('name'), become, user)
