# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import targets

SOCK = 'unix:///var/run/docker.sock'


def test_require_root_refuses_non_root():
    with pytest.raises(targets.TargetError) as exc:
        targets.require_root(lambda: 65534)
    assert 'become: true' in str(exc.value)


def test_require_root_accepts_root():
    assert targets.require_root(lambda: 0) is None


def test_unknown_container_message():
    with pytest.raises(targets.TargetError) as exc:
        targets.from_inspect('ghost', 'ghost', None, SOCK)
    assert str(exc.value) == "no such container 'ghost' on unix:///var/run/docker.sock: check `docker ps -a`"


@pytest.mark.parametrize('state', [{'Running': False, 'Pid': 0}, {'Running': True, 'Pid': 0}, {}])
def test_stopped_container_message(state):
    data = {'Id': 'f00', 'Name': '/web', 'State': state}
    with pytest.raises(targets.TargetError) as exc:
        targets.from_inspect('web', 'web', data, SOCK)
    assert str(exc.value) == ("container 'web' is not running (State.Pid is 0): start it with `docker start web` "
                              "or the lab role")


def test_running_container_target():
    data = {'Id': 'f00' * 21 + 'f', 'Name': '/web', 'State': {'Running': True, 'Pid': 4242}}
    target = targets.from_inspect('f00', 'f00', data, SOCK)
    assert target == {'key': 'f00', 'type': 'container', 'name': 'web', 'id': data['Id'], 'pid': 4242,
                      'ns_path': '/proc/4242/ns/net'}
    assert targets.public(target) == {'type': 'container', 'name': 'web', 'id': data['Id'], 'pid': 4242}


def test_pid_target_of_self():
    target = targets.pid_target(os.getpid())
    assert target['key'] == 'pid:%d' % os.getpid()
    assert target['ns_path'] == '/proc/%d/ns/net' % os.getpid()
    assert target['name'] and target['type'] == 'pid'


@pytest.mark.parametrize('pid', [0, -3, 2 ** 22 + 17])
def test_missing_pid(pid):
    with pytest.raises(targets.TargetError) as exc:
        targets.pid_target(pid)
    assert str(exc.value).startswith('no process with pid %d: check `ps -p %d`' % (pid, pid))


def test_netns_path_target(tmp_path):
    path = tmp_path / 'lab'
    path.write_text('')
    assert targets.netns_path_target(str(path))['ns_path'] == str(path)
    with pytest.raises(targets.TargetError) as exc:
        targets.netns_path_target(str(tmp_path / 'missing'))
    assert 'does not exist' in str(exc.value)


def test_resolve_order_without_docker(monkeypatch, tmp_path):
    path = tmp_path / 'lab'
    path.write_text('')
    monkeypatch.setattr(targets, 'host_ns_path', lambda kind='net': '/proc/1/ns/net')
    params = {'containers': [], 'all_containers': False, 'pids': [os.getpid()], 'netns_paths': [str(path)],
              'host': True, 'docker_host': SOCK}
    assert [t['key'] for t in targets.resolve(params)] == ['pid:%d' % os.getpid(), str(path), 'host']
    assert targets.resolve(params)[-1]['pid'] == 1
    assert [t['key'] for t in targets.resolve(params, with_paths=False)] == ['pid:%d' % os.getpid(), 'host']


def test_host_target_when_pid1_is_hidden(monkeypatch):
    monkeypatch.setattr(targets, 'host_ns_path', lambda kind='net': '/proc/self/ns/net')
    assert targets.host_target()['pid'] == os.getpid()


def test_unreachable_engine_is_a_target_error(tmp_path):
    with pytest.raises(targets.TargetError) as exc:
        targets.container_targets(['web'], False, 'unix://%s/none.sock' % tmp_path)
    assert 'cannot reach the Docker engine' in str(exc.value)
