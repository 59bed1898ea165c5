# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import process_scan


@pytest.fixture
def fake_proc(tmp_path):
    """A /proc with pids 10, 11 (netns A, pidns P), 20 (netns B), 30 (netns A, other pidns); inodes of ns files."""
    ns = tmp_path / 'ns-files'
    ns.mkdir()
    for name in ('netA', 'netB', 'pidP', 'pidQ'):
        (ns / name).write_text('')
    layout = {
        10: ('netA', 'pidP', ['socket:[500]', 'socket:[501]', '/dev/null'], '0::/docker/aaa\n'),
        11: ('netA', 'pidP', ['socket:[500]', 'pipe:[7]'], '0::/docker/aaa\n'),
        20: ('netB', 'pidQ', ['socket:[600]'], '0::/docker/bbb\n'),
        30: ('netA', 'pidQ', ['socket:[502]'], '0::/\n'),
    }
    proc = tmp_path / 'proc'
    proc.mkdir()
    (proc / 'self').mkdir()
    (proc / 'sys').mkdir()
    for pid, (net, pid_ns, fds, cgroup) in layout.items():
        d = proc / str(pid)
        (d / 'ns').mkdir(parents=True)
        os.symlink(str(ns / net), str(d / 'ns' / 'net'))
        os.symlink(str(ns / pid_ns), str(d / 'ns' / 'pid'))
        (d / 'fd').mkdir()
        for i, target in enumerate(fds):
            os.symlink(target, str(d / 'fd' / str(i)))
        (d / 'cgroup').write_text(cgroup)
    inodes = dict((name, os.stat(str(ns / name)).st_ino) for name in ('netA', 'netB', 'pidP', 'pidQ'))
    return str(proc), inodes


def test_iter_pids_only_numbers(fake_proc):
    proc, _inodes = fake_proc
    assert sorted(process_scan.iter_pids(proc)) == [10, 11, 20, 30]


def test_socket_inodes(fake_proc):
    proc, _inodes = fake_proc
    assert process_scan.socket_inodes(10, proc) == {500, 501}
    assert process_scan.socket_inodes(99, proc) == set()


def test_socket_owners_lowest_pid_per_namespace(fake_proc):
    proc, ino = fake_proc
    owners = process_scan.socket_owners({ino['netA']}, proc)
    assert owners == {ino['netA']: {500: 10, 501: 10, 502: 30}}


def test_processes_by_pid_namespace(fake_proc):
    proc, ino = fake_proc
    found = process_scan.processes_by_ns('pid', {ino['pidP'], ino['pidQ']}, proc)
    assert found == {ino['pidP']: [10, 11], ino['pidQ']: [20, 30]}


def test_processes_by_cgroup(fake_proc):
    proc, _ino = fake_proc
    assert process_scan.processes_by_cgroup({'0::/docker/aaa\n'}, proc) == {'0::/docker/aaa\n': [10, 11]}


def test_ns_inode_missing_process(fake_proc):
    proc, _ino = fake_proc
    assert process_scan.ns_inode(12345, 'net', proc) is None
