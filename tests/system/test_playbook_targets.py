# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab's playbooks stop at once when the hosts they target match nothing.

Ansible prints "skipping: no hosts matched" and exits 0 when a play's pattern matches no host:
an inventory whose VMs are not in the group lab_vms made lab.yml, verify.yml and reset.yml do
nothing and succeed. Needs no engine and no root: the hosts here are 127.0.0.1 on port 1, which
refuses every connection, and the check never connects.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = ['lab.yml', 'verify.yml', 'reset.yml', 'engine.yml']
NOWHERE = '{ansible_host: 127.0.0.1, ansible_port: 1, ansible_connection: ssh}'
INVENTORY = '''students:
  hosts:
    he-ana: %(nowhere)s
    he-bob: %(nowhere)s
lab_vms:
  hosts:
    he-carla: %(nowhere)s
''' % {'nowhere': NOWHERE}


def play(tmp_path, playbook, *args, inventory=INVENTORY):
    path = tmp_path / 'inventory.yml'
    path.write_text(inventory)
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_HOST_KEY_CHECKING='false')
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(path), os.path.join('playbooks', playbook),
           '-e', 'lab_report_dir=%s' % (tmp_path / 'report')] + list(args)
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc.returncode, ' '.join((proc.stdout + proc.stderr).split())


@pytest.mark.parametrize('playbook', PLAYBOOKS)
def test_no_host_in_lab_vms_fails_at_once(tmp_path, playbook):
    inventory = INVENTORY.split('lab_vms:', maxsplit=1)[0]  # VMs only in the group "students"
    rc, out = play(tmp_path, playbook, inventory=inventory)
    assert rc == 2, out
    assert 'No host to run on: lab_hosts="lab_vms" matches no host of the inventory' in out, out
    assert 'put the VMs in a group named lab_vms' in out and '-e lab_hosts=GROUP' in out, out
    assert 'Groups here: students.' in out, out
    assert out.count('PLAY [') == 1 and 'fatal: [localhost]' in out, out  # nothing ran after the check
    assert not (tmp_path / 'report').exists()


@pytest.mark.parametrize('args, where', [
    (['-e', 'lab_hosts=students:!he-ana:!he-bob'], 'lab_hosts="students:!he-ana:!he-bob" matches'),
    (['--limit', 'he-ana'], 'lab_hosts="lab_vms" within --limit he-ana matches'),
])
def test_pattern_or_limit_that_leaves_no_lab_vm(tmp_path, args, where):
    rc, out = play(tmp_path, 'reset.yml', *args)
    assert rc == 2 and 'No host to run on: ' + where in out, out


@pytest.mark.parametrize('args', [[], ['-e', 'lab_hosts=students'], ['-e', 'lab_hosts=students:&he-bob'],
                                  ['--limit', 'he-carla']])
def test_targeted_hosts_pass_the_check(tmp_path, args):
    """The control: with hosts to run on, reset.yml gets past the check and tries them (port 1: unreachable)."""
    rc, out = play(tmp_path, 'reset.yml', *args)
    assert 'No host to run on' not in out, out
    assert rc == 4 and 'unreachable=1' in out, out
