# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Roles listed under `roles:` allow duplicates: the controller's main process stays cheap per VM.

Under `strategy: free`, ansible-playbook peeks at every host's next task on every poll of its main
loop; for a task of a role listed under `roles:` without `allow_duplicates`, each peek also resolves
the role's path (os.path.realpath) to look it up among the roles already run. That was most of the
main process's CPU in a class (docs/benchmarks.md, "The controller's CPU per VM").
"""

from __future__ import annotations

import glob
import os
import re

import pytest
import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PREFIX = 'microlab.docker_internals.'


def load(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def listed_roles(play):
    """The collection's roles a play lists under `roles:`."""
    names = [entry if isinstance(entry, str) else entry.get('role') or entry.get('name')
             for entry in play.get('roles') or []]
    return [name[len(PREFIX):] for name in names if name and name.startswith(PREFIX)]


def free_play_roles():
    """(playbook, role) for each role listed under `roles:` in a play with the free strategy."""
    found = []
    for path in sorted(glob.glob(os.path.join(REPO, 'playbooks', '*.yml'))):
        for play in load(path) or []:
            if 'hosts' in play and str(play.get('strategy', '')).endswith('free'):
                found += [(os.path.basename(path), role) for role in listed_roles(play)]
    return found


def readme_roles():
    """Roles a role's README shows under `roles:` for an instructor's own playbook."""
    found = set()
    for path in glob.glob(os.path.join(REPO, 'roles', '*', 'README.md')):
        with open(path, encoding='utf-8') as handle:
            found.update(re.findall(r'- role: ' + re.escape(PREFIX) + r'(\w+)', handle.read()))
    return sorted(found)


def allows_duplicates(role):
    return load(os.path.join(REPO, 'roles', role, 'meta', 'main.yml')).get('allow_duplicates') is True


def test_the_engine_play_is_free_and_lists_its_roles():
    """The case the rule is for exists: without it the test below would check nothing."""
    assert ('engine.yml', 'docker_host') in free_play_roles()
    assert ('engine.yml', 'lab_images') in free_play_roles()


@pytest.mark.parametrize('playbook, role', free_play_roles())
def test_a_role_listed_in_a_free_play_allows_duplicates(playbook, role):
    assert allows_duplicates(role), '%s lists %s under roles: in a free play; set allow_duplicates: true' % (
        playbook, role)


@pytest.mark.parametrize('role', readme_roles())
def test_a_role_shown_under_roles_in_a_readme_allows_duplicates(role):
    assert allows_duplicates(role), 'a README shows %s under roles:; set allow_duplicates: true' % role


def test_lab_yml_lists_no_role_in_its_free_plays():
    """lab.yml includes its roles under a condition: a `when` on a listed role is evaluated for each task."""
    plays = [play for play in load(os.path.join(REPO, 'playbooks', 'lab.yml')) if 'hosts' in play]
    assert [play['name'] for play in plays if play.get('roles')] == []
