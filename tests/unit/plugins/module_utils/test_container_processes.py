# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, procfs

REMAPPED = [{'inside': 0, 'outside': 100000, 'count': 65536}]
IDENTITY = [{'inside': 0, 'outside': 0, 'count': 4294967295}]


class Users(object):
    def name(self, uid):
        return {0: 'root', 33: 'www-data'}.get(uid)


@pytest.fixture
def fake_files(monkeypatch, fixture_text):
    """/proc files of pids 500 (remapped root, nginx master), 501 (remapped www-data) and 600 (plain 1234)."""
    status = fixture_text('proc_status_nginx_worker.txt')
    files = {
        '/proc/500/status': status.replace('Uid:\t33\t33', 'Uid:\t100000\t100000').replace(
            'NSpid:\t3055\t7', 'NSpid:\t500\t1'),
        '/proc/501/status': status.replace('Uid:\t33\t33', 'Uid:\t100033\t100033').replace('3055\t7', '501\t7'),
        '/proc/600/status': status.replace('Uid:\t33\t33', 'Uid:\t1234\t1234').replace('Name:\tnginx', 'Name:\tsleep'),
        '/proc/500/uid_map': fixture_text('uid_map_remapped.txt'),
        '/proc/500/gid_map': fixture_text('uid_map_remapped.txt'),
        '/proc/600/uid_map': fixture_text('uid_map_identity.txt'),
        '/proc/600/gid_map': fixture_text('uid_map_identity.txt'),
        '/proc/500/root/etc/passwd': fixture_text('passwd_container.txt'),
        '/etc/subuid': fixture_text('subuid.txt'),
    }

    files.update({
        '/proc/500/cmdline': b'nginx: master process nginx -g daemon off;\x00',
        '/proc/501/cmdline': b'nginx: worker process\x00',
        '/proc/600/cmdline': b'sleep\x00infinity\x00',
    })

    def safe_read(path, root=None, limit=procfs.MAX_BYTES, truncate=False):
        path = '%s/%s' % (root, path) if root else path
        if path not in files:
            raise FileNotFoundError(path)
        data = files[path]
        return data if isinstance(data, bytes) else data.encode('utf-8')

    monkeypatch.setattr(procfs, 'safe_read', safe_read)


def _target(pid, key='web'):
    return {'key': key, 'type': 'container', 'name': key, 'id': 'f00', 'pid': pid, 'ns_path': None}


def test_remapped_container(fake_files):
    subuid = procfs.parse_subid(procfs.read_text('/etc/subuid'))
    entry = container_processes.describe(_target(500), [500, 501, 502], subuid, Users())
    assert entry['userns_remapped'] is True
    assert entry['uid_map'] == REMAPPED and entry['gid_map'] == REMAPPED
    assert entry['subordinate_owner'] == 'alice'
    assert entry['target'] == {'type': 'container', 'name': 'web', 'id': 'f00', 'pid': 500}
    # pid 502 vanished between the scan and the read: skipped, not an error
    assert [(p['pid'], p['ns_pid'], p['host_uid'], p['host_user'], p['container_uid'], p['container_user'])
            for p in entry['processes']] == [(500, 1, 100000, None, 0, 'root'), (501, 7, 100033, None, 33, 'www-data')]
    assert entry['processes'][0]['args'] == 'nginx: master process nginx -g daemon off;'
    assert entry['processes'][0]['host_gid'] == 34  # effective GID (second field)


def test_plain_container_without_passwd(fake_files):
    entry = container_processes.describe(_target(600, 'u1234'), [600], [], Users())
    assert entry['userns_remapped'] is False and entry['subordinate_owner'] is None
    proc = entry['processes'][0]
    assert (proc['command'], proc['args'], proc['host_uid'], proc['host_user'], proc['container_uid'],
            proc['container_user']) == ('sleep', 'sleep infinity', 1234, None, 1234, None)


def test_vanished_target_is_an_error(fake_files):
    with pytest.raises(container_processes.TargetError) as exc:
        container_processes.describe(_target(999), [999], [], Users())
    assert "no process any more (pid 999)" in str(exc.value)


def test_group_pids(monkeypatch):
    ns = {(1, 'pid'): 10, (500, 'pid'): 20, (600, 'pid'): 10, (700, 'pid'): 10}
    monkeypatch.setattr(container_processes, 'host_pidns_inode', lambda: 10)
    monkeypatch.setattr(container_processes.process_scan, 'ns_inode', lambda pid, kind: ns.get((pid, kind)))
    monkeypatch.setattr(container_processes.process_scan, 'processes_by_ns', lambda kind, inodes: {20: [500, 501]})
    monkeypatch.setattr(container_processes.process_scan, 'read_cgroup', lambda pid: 'cg-%d' % pid)
    monkeypatch.setattr(container_processes.process_scan, 'processes_by_cgroup', lambda texts: {'cg-600': [600, 601]})
    pid_target = {'key': 'pid:700', 'type': 'pid', 'name': 'bash', 'id': None, 'pid': 700, 'ns_path': None}
    groups = container_processes.group_pids([_target(500, 'a'), _target(600, 'hostpid'), pid_target])
    assert groups == {'a': [500, 501], 'hostpid': [600, 601], 'pid:700': [700]}
