# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import errno
import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import netns


@pytest.fixture
def calls(monkeypatch):
    """Record setns(fd, nstype) calls as (the file the fd points at, nstype)."""
    seen = []

    def fake_setns(fd, nstype):
        seen.append((os.readlink('/proc/self/fd/%d' % fd), nstype))

    monkeypatch.setattr(netns, 'setns', fake_setns)
    return seen


def test_enters_and_switches_back(tmp_path, calls):
    target = tmp_path / 'netns-file'
    target.write_text('')
    own = os.readlink(netns.OWN_NETNS)
    with netns.entered_netns(str(target)):
        assert calls == [(str(target), netns.CLONE_NEWNET)]
    assert calls[1][1] == netns.CLONE_NEWNET
    assert calls[1][0] == own and own.startswith('net:[')


def test_switches_back_on_error(tmp_path, calls):
    target = tmp_path / 'netns-file'
    target.write_text('')
    fds_before = set(os.listdir('/proc/self/fd'))
    with pytest.raises(RuntimeError):
        with netns.entered_netns(str(target)):
            raise RuntimeError('boom')
    assert [c[0].startswith('net:[') for c in calls] == [False, True]
    assert set(os.listdir('/proc/self/fd')) == fds_before  # no leaked descriptors


def test_no_switch_back_when_entering_fails(tmp_path, monkeypatch):
    target = tmp_path / 'netns-file'
    target.write_text('')
    seen = []

    def refuse(fd, nstype):
        seen.append(fd)
        raise OSError(errno.EINVAL, 'Invalid argument')

    monkeypatch.setattr(netns, 'setns', refuse)
    with pytest.raises(OSError) as exc:
        with netns.entered_netns(str(target)):
            pytest.fail('body must not run')
    assert exc.value.errno == errno.EINVAL
    assert len(seen) == 1


class FakeLibc(object):
    def __init__(self, result):
        self.result = result
        self.args = None

    def setns(self, fd, nstype):
        self.args = (fd, nstype)
        return self.result


def test_setns_uses_libc_without_os_setns(monkeypatch):
    libc = FakeLibc(0)
    monkeypatch.delattr(os, 'setns', raising=False)
    monkeypatch.setattr(netns, '_LIBC', [libc])
    netns.setns(5)
    assert libc.args == (5, netns.CLONE_NEWNET)


def test_libc_failure_raises_oserror(monkeypatch):
    monkeypatch.delattr(os, 'setns', raising=False)
    monkeypatch.setattr(netns, '_LIBC', [FakeLibc(-1)])
    monkeypatch.setattr(netns.ctypes, 'get_errno', lambda: errno.EPERM)
    with pytest.raises(OSError) as exc:
        netns.setns(5)
    assert netns.is_permission_error(exc.value)


def test_setns_prefers_os_setns(monkeypatch):
    seen = []
    monkeypatch.setattr(os, 'setns', lambda fd, nstype: seen.append((fd, nstype)), raising=False)
    monkeypatch.setattr(netns, '_LIBC', [FakeLibc(-1)])
    netns.setns(9)
    assert seen == [(9, netns.CLONE_NEWNET)]


@pytest.mark.parametrize('code, expected', [(errno.EPERM, True), (errno.EACCES, True), (errno.EINVAL, False)])
def test_is_permission_error(code, expected):
    assert netns.is_permission_error(OSError(code, 'x')) is expected


def test_netns_inode_of_own_namespace():
    link = os.readlink('/proc/self/ns/net')
    assert netns.netns_inode('/proc/self/ns/net') == int(link[5:-1])
