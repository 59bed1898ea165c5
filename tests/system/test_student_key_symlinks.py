# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_students writing a key into a home the student controls, on this machine, as root.

A student owns their home, so ~/.ssh and ~/.ssh/authorized_keys may be symbolic links to
anywhere. Root must never follow them: the role refuses such a home and writes the key as the
student. The links point at decoys that stand in for /etc and /root/.ssh/authorized_keys
(root-owned, same modes), so a regression damages the decoys, not this shared machine.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ACCOUNT = 'mlkeytest'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdLq4Q6J5nUu0ed1yO8a2s1rQ0 mlkeytest@laptop'
ROOT_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJustRootsOwnKeyXXXXXXXXXXXXXX admin@controller\n'

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='creates an account: needs root')


def run_role(work, *options):
    playbook = os.path.join(work, 'students.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write('- hosts: localhost\n  gather_facts: false\n  roles:\n'
                     '    - microlab.docker_internals.lab_students\n')
    extra = {'lab_students_name': ACCOUNT, 'lab_students_authorized_key': KEY, 'lab_students_docker_group': False}
    proc = subprocess.run(['ansible-playbook', playbook, '-e', json.dumps(extra)] + list(options), cwd=REPO, capture_output=True,
                          text=True, check=False, timeout=300, env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    output = proc.stdout + proc.stderr
    recap = re.search(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', output)
    assert recap, 'no play recap in:\n' + output
    counters = dict(zip(('ok', 'changed', 'unreachable', 'failed'), map(int, recap.groups())))
    return proc.returncode, ' '.join(output.split()), counters


def snapshot(path):
    info = os.lstat(path)
    content = open(path, 'rb').read() if os.path.isfile(path) else sorted(os.listdir(path))
    return info.st_uid, info.st_gid, info.st_mode, content


@pytest.fixture
def account():
    """A fresh account (home made by useradd), and a work directory with the decoys."""
    subprocess.run(['userdel', '--remove', ACCOUNT], capture_output=True, check=False)
    subprocess.run(['useradd', '--create-home', '--shell', '/bin/bash', ACCOUNT], check=True)
    work = tempfile.mkdtemp(prefix='microlab-keytest-')
    os.chmod(work, 0o755)
    decoy_etc = os.path.join(work, 'etc')
    os.mkdir(decoy_etc, 0o755)
    with open(os.path.join(decoy_etc, 'passwd'), 'w', encoding='utf-8') as handle:
        handle.write('root:x:0:0:root:/root:/bin/bash\n')
    decoy_root_ssh = os.path.join(work, 'root-ssh')
    os.mkdir(decoy_root_ssh, 0o700)
    decoy_root_keys = os.path.join(decoy_root_ssh, 'authorized_keys')
    with open(decoy_root_keys, 'w', encoding='utf-8') as handle:
        handle.write(ROOT_KEY)
    os.chmod(decoy_root_keys, 0o600)
    home = pwd.getpwnam(ACCOUNT).pw_dir
    yield {'home': home, 'work': work, 'etc': decoy_etc, 'root_keys': decoy_root_keys}
    # Take the links out first: userdel must not walk into a decoy.
    for link in (os.path.join(home, '.ssh', 'authorized_keys'), os.path.join(home, '.ssh')):
        if os.path.islink(link):
            os.unlink(link)
    subprocess.run(['userdel', '--remove', ACCOUNT], capture_output=True, check=False)
    shutil.rmtree(work, ignore_errors=True)


def test_key_lands_in_the_students_own_file(account):
    rc, output, counters = run_role(account['work'], '-vvv')
    assert rc == 0, output
    # Written by the student's account (su from root), not by root.
    assert re.search(r'su %s -c .{0,600}AnsiballZ_authorized_key' % ACCOUNT, output), output
    uid = pwd.getpwnam(ACCOUNT).pw_uid
    ssh = os.path.join(account['home'], '.ssh')
    keys = os.path.join(ssh, 'authorized_keys')
    assert (os.lstat(ssh).st_uid, os.lstat(ssh).st_mode & 0o7777) == (uid, 0o700)
    assert (os.lstat(keys).st_uid, os.lstat(keys).st_mode & 0o7777) == (uid, 0o600)
    assert open(keys, encoding='utf-8').read().splitlines() == [KEY]
    rc, output, counters = run_role(account['work'])
    assert rc == 0 and counters['changed'] == 0, output


@pytest.mark.parametrize('planted', ['ssh_dir_to_etc', 'authorized_keys_to_roots'])
def test_links_planted_by_the_student_are_refused(account, planted):
    home, uid = account['home'], pwd.getpwnam(ACCOUNT).pw_uid
    if planted == 'ssh_dir_to_etc':
        os.symlink(account['etc'], os.path.join(home, '.ssh'))
        target = account['etc']
    else:
        os.mkdir(os.path.join(home, '.ssh'), 0o700)
        os.chown(os.path.join(home, '.ssh'), uid, uid)
        os.symlink(account['root_keys'], os.path.join(home, '.ssh', 'authorized_keys'))
        target = account['root_keys']
    link = os.path.join(home, '.ssh') if planted == 'ssh_dir_to_etc' else os.path.join(home, '.ssh', 'authorized_keys')
    os.lchown(link, uid, uid)
    before = {path: snapshot(path) for path in (account['etc'], account['root_keys'])}
    rc, output, counters = run_role(account['work'])
    after = {path: snapshot(path) for path in (account['etc'], account['root_keys'])}
    assert after == before, 'root followed the student\'s link to %s: %s -> %s' % (target, before, after)
    assert rc != 0 and counters['failed'] == 1, output
    assert re.search(r'symbolic link', output) and ACCOUNT in output, output
