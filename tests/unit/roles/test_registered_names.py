# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""No task registers or sets a fact under the name of a role variable.

A registered result or a fact outranks the inventory's value of the same name for the rest
of the play, so a role run twice in one playbook would read its own result as its input
(lab_class_services once registered `lab_class_services_upstream`, its upstream URL option,
and a second play refused "lab_class_services_upstream must be a text value").
"""

from __future__ import annotations

import glob
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def role_options():
    names = set()
    for path in glob.glob(os.path.join(ROOT, 'roles', '*', 'meta', 'argument_specs.yml')):
        with open(path, encoding='utf-8') as handle:
            for entry_point in yaml.safe_load(handle)['argument_specs'].values():
                names.update(entry_point.get('options') or {})
    return names


def tasks(node):
    """Every task of a task list, blocks included."""
    for task in node or []:
        if not isinstance(task, dict):
            continue
        yield task
        for key in ('block', 'rescue', 'always'):
            yield from tasks(task.get(key))


def assigned_names():
    """(file, name) of every register and set_fact key in the roles' and playbooks' tasks."""
    found = []
    paths = glob.glob(os.path.join(ROOT, 'roles', '*', 'tasks', '*.yml'))
    for path in sorted(paths):
        with open(path, encoding='utf-8') as handle:
            for task in tasks(yaml.safe_load(handle)):
                if 'register' in task:
                    found.append((os.path.relpath(path, ROOT), task['register']))
                facts = task.get('ansible.builtin.set_fact')
                if isinstance(facts, dict):
                    found.extend((os.path.relpath(path, ROOT), name) for name in facts if name != 'cacheable')
    return found


def test_the_scan_sees_registers_and_facts():
    names = [name for path, name in assigned_names()]
    assert 'lab_class_services_upstream_probe' in names and 'lab_images_refs' in names


@pytest.mark.parametrize('path, name', assigned_names())
def test_no_result_takes_a_role_variables_name(path, name):
    assert name not in role_options(), '%s: %s is a role variable; name the result otherwise' % (path, name)
