# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docker_host and lab_images against this machine: bad input and a silent registry.

Every case runs the real playbook and checks that it stops before any task
changed anything, with a message that names the variable and the way out.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NO_REGISTRY = {
    'shell': 'registry.invalid/microlab/shell:1',
    'nginx': 'registry.invalid/microlab/nginx:1',
    'curl': 'registry.invalid/microlab/curl:1',
    'nettools': 'registry.invalid/microlab/nettools:1',
}


def run_engine_playbook(extra_vars, tags, check=False):
    """Run playbooks/engine.yml on this machine; return (rc, output, recap counters).

    check=True runs in check mode, so that input the roles wrongly accept
    shows up as a predicted change instead of changing this machine.
    """
    result = subprocess.run(
        ['ansible-playbook', 'playbooks/engine.yml', '--tags', tags, '-e', json.dumps(extra_vars)]
        + (['--check'] if check else []),
        cwd=REPO, capture_output=True, text=True, check=False,
        env=dict(os.environ, ANSIBLE_NOCOLOR='1'),
    )
    output = result.stdout + result.stderr
    recap = re.search(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', output)
    assert recap, 'no play recap in:\n' + output
    counters = dict(zip(('ok', 'changed', 'unreachable', 'failed'), map(int, recap.groups())))
    return result.returncode, output, counters


@pytest.mark.parametrize('tags, extra_vars, expected', [
    ('images', {'lab_images_source': 'dockerhub'},
     [r'lab_images_source must be one of: auto, class, registry, archive, build']),
    ('images', {'lab_images_build_packages': {'nginx': 1}},
     [r'lab_images_build_packages']),
    ('images', {'lab_images_build_refs': 'shell=microlab.local/x:1'},
     [r'lab_images_registry_refs and lab_images_build_refs must be YAML dicts']),
    ('engine', {'docker_host_package_source': 'snap'},
     [r'docker_host_package_source must be one of: distro, docker_repo']),
    ('engine', {'docker_host_daemon_options': 'userns-remap=default'},
     [r'docker_host_daemon_options must be a YAML dict']),
    ('engine', {'docker_host_daemon_options': ['userns-remap']},
     [r'docker_host_daemon_options', r'dict']),
    ('engine', {'docker_host_users': {'student': 'docker'}},
     [r'docker_host_users', r'list']),
    ('engine', {'docker_host_users': 'student'},
     [r'docker_host_users must be a YAML list of account names \(got "student"\)']),
    ('engine', {'docker_host_service_manager': 'upstart'},
     [r'docker_host_service_manager must be one of: auto, systemd, supervised']),
    ('engine', {'docker_host_users': ['no-such-account-xyz']},
     [r'no-such-account-xyz, which have no account']),
], ids=lambda value: value if isinstance(value, str) else None)
def test_bad_input_stops_before_any_change(tags, extra_vars, expected):
    rc, output, counters = run_engine_playbook(extra_vars, tags, check=True)
    assert rc != 0, output
    assert counters['failed'] == 1 and counters['changed'] == 0, output
    flat = ' '.join(output.split())
    for pattern in expected:
        assert re.search(pattern, flat), 'expected %r in:\n%s' % (pattern, output)


def test_registry_that_does_not_answer_gives_a_clear_error():
    rc, output, counters = run_engine_playbook(
        {'lab_images_source': 'registry', 'lab_images_registry_refs': NO_REGISTRY}, 'images')
    assert rc != 0 and counters['failed'] == 1 and counters['changed'] == 0, output
    message = ' '.join(output.split())
    for ref in NO_REGISTRY.values():
        assert ref in message
    assert 'lab_images_source=archive' in message and 'lab_images_source=build' in message
    left = subprocess.run(['docker', 'image', 'ls', '--quiet', 'registry.invalid/microlab/*'],
                          capture_output=True, text=True, check=True).stdout
    assert left == '', 'half-pulled images left behind: %s' % left


def test_second_run_of_engine_and_images_changes_nothing():
    rc, output, counters = run_engine_playbook({}, 'engine,images')
    assert rc == 0, output
    assert counters['changed'] == 0 and counters['failed'] == 0, output
