# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/runtime.yml's action group: module_defaults set once reach both fact modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'module_defaults.yml')
SOCKET = 'unix:///nonexistent/microlab-action-group.sock'


def test_runtime_lists_every_fact_module_in_the_group():
    """The group is every module that shares the fact modules' options (the fact_gatherer doc fragment)."""
    with open(os.path.join(REPO, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        groups = yaml.safe_load(handle)['action_groups']
    modules_dir = os.path.join(REPO, 'plugins', 'modules')
    sharing = []
    for name in os.listdir(modules_dir):
        with open(os.path.join(modules_dir, name), encoding='utf-8') as handle:
            if 'microlab.docker_internals.fact_gatherer' in handle.read():
                sharing.append(name[:-3])
    assert sorted(groups['facts']) == sorted(sharing) == ['container_uid_facts', 'lab_challenge_facts', 'lab_observe',
                                                          'netns_socket_facts']


def test_module_defaults_group_reaches_both_modules(tmp_path):
    """Each module fails on the group's socket, which its message names (the modules need root to get there)."""
    assert os.geteuid() == 0, 'run as root, as make test does: the fact modules refuse other users first'
    out = tmp_path / 'docker_hosts.json'
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    env.pop('ANSIBLE_INVENTORY', None)
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), PLAYBOOK,
                           '-e', 'out=%s' % out], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    messages = json.loads(out.read_text())
    assert len(messages) == 2 and all('cannot reach the Docker engine at %s' % SOCKET in msg for msg in messages), messages
