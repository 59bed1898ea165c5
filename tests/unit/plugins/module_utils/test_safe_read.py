# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""procfs.safe_read: the fact modules read files a container controls, as root."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, procfs

PASSWD = 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n'

# A child with bounded memory and time: a read that hangs or eats memory fails the test
# instead of the test run (that is what the module did before safe_read).
CHILD = '''
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs
try:
    print(json.dumps(['read', len(procfs.read_text(sys.argv[1]))]))
except BaseException as exc:
    print(json.dumps([type(exc).__name__, str(exc)]))
'''


def read_in_child(path):
    """[outcome, detail] of procfs.read_text(path) in a child limited to 1 GiB and 10 s."""
    try:
        done = subprocess.run([sys.executable, '-c', CHILD, str(path)], capture_output=True, text=True,
                              timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return ['timeout', path]
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else ['crash', done.stderr]


@pytest.fixture
def container_root(tmp_path):
    """A fake container root with etc/passwd and a host file next to it."""
    root = tmp_path / 'root'
    (root / 'etc').mkdir(parents=True)
    (root / 'etc' / 'passwd').write_text(PASSWD)
    (tmp_path / 'host-secret').write_text('root:$6$hash:19000:0:99999:7:::\n')
    return root


def _make(kind, target):
    """Replace `target` with a hostile object of the given kind."""
    if target.exists() or target.is_symlink():
        target.unlink()
    if kind == 'fifo':
        os.mkfifo(str(target))
    elif kind == 'link to /dev/zero':
        target.symlink_to('/dev/zero')
    elif kind == 'huge file':
        with open(str(target), 'wb') as handle:
            handle.truncate(procfs.MAX_BYTES + 1)
    elif kind == 'socket':
        import socket
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
        sock.close()


@pytest.mark.parametrize('kind, reason', [
    ('fifo', 'not a regular file'),
    ('link to /dev/zero', 'not a regular file'),
    ('huge file', 'larger than'),
    ('socket', 'not a regular file'),
])
def test_hostile_file_is_refused_without_hanging(container_root, kind, reason):
    target = container_root / 'etc' / 'passwd'
    _make(kind, target)
    outcome, detail = read_in_child(target)
    assert outcome == 'UnsafeFileError', detail
    assert reason in detail


@pytest.mark.parametrize('hostile', [
    'etc/passwd -> ../../host-secret',
    'etc/passwd -> /etc/passwd',
    'etc -> ..',
    'etc -> /etc',
])
def test_links_inside_the_root_are_never_followed(container_root, hostile):
    name, _arrow, dest = hostile.partition(' -> ')
    link = container_root / name
    if link.is_dir() and not link.is_symlink():
        for child in link.iterdir():
            child.unlink()
        link.rmdir()
    else:
        link.unlink()
    link.symlink_to(dest)
    with pytest.raises(OSError):
        procfs.read_text('etc/passwd', root=str(container_root))
    assert container_processes._read_optional('etc/passwd', root=str(container_root)) == ''


@pytest.mark.parametrize('path', ['../host-secret', '/etc/passwd', 'etc/./passwd', 'etc//passwd', ''])
def test_paths_that_leave_the_root_are_refused(container_root, path):
    with pytest.raises(procfs.UnsafeFileError, match='not a plain relative path'):
        procfs.read_text(path, root=str(container_root))


def test_regular_file_beneath_the_root_is_read(container_root):
    assert procfs.read_text('etc/passwd', root=str(container_root)) == PASSWD
    assert procfs.parse_passwd(container_processes._read_optional('etc/passwd', root=str(container_root))) == {
        0: 'root', 33: 'www-data'}


@pytest.mark.parametrize('limit, truncate, expected', [
    (len(PASSWD), False, PASSWD.encode()),
    (10, True, PASSWD.encode()[:10]),
])
def test_limit(container_root, limit, truncate, expected):
    path = str(container_root / 'etc' / 'passwd')
    assert procfs.safe_read(path, limit=limit, truncate=truncate) == expected


def test_one_byte_over_the_limit_is_refused(container_root):
    with pytest.raises(procfs.UnsafeFileError, match='larger than'):
        procfs.safe_read(str(container_root / 'etc' / 'passwd'), limit=len(PASSWD) - 1)


@pytest.mark.parametrize('path', ['/proc/self/status', '/proc/self/cmdline', '/proc/thread-self/net/tcp'])
def test_proc_files_without_a_size_are_read(path):
    assert os.stat(path).st_size == 0
    assert procfs.safe_read(path)


def test_read_through_proc_pid_root(tmp_path):
    """The magic link /proc/<pid>/root itself is the starting point, as in the module."""
    assert 'root' in procfs.parse_passwd(procfs.read_text('etc/passwd', root='/proc/self/root')).values()
