# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection as users get it: built, installed, run by FQCN."""

from __future__ import annotations

import glob
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(args, cwd, env=None):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_built_collection_installs_and_runs_by_fqcn(tmp_path):
    run(['ansible-galaxy', 'collection', 'build', '--output-path', str(tmp_path), REPO], cwd=tmp_path)
    tarball, = glob.glob(str(tmp_path / 'microlab-docker_internals-*.tar.gz'))
    listing = run(['tar', 'tzf', tarball], cwd=tmp_path).split()
    assert 'roles/docker_host/tasks/main.yml' in listing
    assert 'plugins/modules/netns_socket_facts.py' in listing
    assert not [name for name in listing if name.split('/')[0] in ('.venv', '.ansible', '.cache')]

    installed = tmp_path / 'collections'
    run(['ansible-galaxy', 'collection', 'install', '--offline', '-p', str(installed), tarball], cwd=tmp_path)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed), ANSIBLE_NOCOLOR='1')
    env.pop('ANSIBLE_CONFIG', None)
    # Outside the checkout (no ansible.cfg). The first run brings this machine to what this
    # collection makes (it may change something when the engine was started by hand or by
    # another version, as when the system step runs alone); the second must change nothing.
    engine = ['ansible-playbook', '-i', os.path.join(REPO, 'inventory/localhost.yml'), 'microlab.docker_internals.engine']
    first = run(engine, cwd=tmp_path, env=env)
    assert 'failed=0' in first, first
    again = run(engine, cwd=tmp_path, env=env)
    assert 'changed=0' in again and 'failed=0' in again, again
