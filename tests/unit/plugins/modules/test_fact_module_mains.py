# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""main() of both fact modules: argument handling, facts key, changed=false, fail_json messages."""

from __future__ import annotations


import pytest

from ansible.module_utils import basic

from ansible_collections.microlab.docker_internals.plugins.modules import container_uid_facts, netns_socket_facts
from ansible_collections.microlab.docker_internals.plugins.module_utils import targets

from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19, the only one supported


class Exit(Exception):
    pass


class Fail(Exception):
    pass


@pytest.fixture
def run(monkeypatch):
    """Run a module's main() with args; return ('exit'|'fail', kwargs)."""
    def exit_json(self, **kwargs):
        raise Exit(kwargs)

    def fail_json(self, **kwargs):
        raise Fail(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def _run(module, args):
        with patch_module_args(args):
            try:
                module.main()
            except Exit as exc:
                return 'exit', exc.args[0]
            except Fail as exc:
                return 'fail', exc.args[0]
        raise AssertionError('main() neither exited nor failed')
    return _run


@pytest.mark.parametrize('module, args', [
    (netns_socket_facts, {}),
    (netns_socket_facts, {'all_containers': False, 'host': False, 'include_all_sockets': True}),
    (container_uid_facts, {}),
    (container_uid_facts, {'containers': []}),
])
def test_no_target_fails(run, module, args):
    outcome, result = run(module, args)
    assert outcome == 'fail'
    assert result['msg'].startswith('no target: give containers')


@pytest.mark.parametrize('module, args', [
    (netns_socket_facts, {'host': True}),
    (container_uid_facts, {'pids': [1]}),
])
def test_non_root_fails_with_become_hint(run, monkeypatch, module, args):
    monkeypatch.setattr(targets.os, 'geteuid', lambda: 1000)
    outcome, result = run(module, args)
    assert outcome == 'fail'
    assert 'add `become: true`' in result['msg']


def test_netns_socket_facts_passes_options(run, monkeypatch):
    seen = {}
    monkeypatch.setattr(targets, 'require_root', lambda: None)
    monkeypatch.setattr(targets, 'resolve', lambda params: seen.setdefault('params', params) and ['t'])

    def gather(found, method, include_all):
        seen['gather'] = (found, method, include_all)
        return {'host': {'tcp_listen': []}}

    monkeypatch.setattr(netns_socket_facts.netns_sockets, 'gather', gather)
    outcome, result = run(netns_socket_facts, {'host': True, 'method': 'procfs', 'include_all_sockets': True,
                                               'pids': ['42']})
    assert outcome == 'exit'
    assert result == {'changed': False, 'ansible_facts': {'netns_sockets': {'host': {'tcp_listen': []}}}}
    assert seen['gather'] == (['t'], 'procfs', True)
    assert seen['params']['pids'] == [42]
    assert seen['params']['docker_host'] == 'unix:///var/run/docker.sock'


def test_netns_socket_facts_rejects_bad_method(run):
    outcome, result = run(netns_socket_facts, {'host': True, 'method': 'ss'})
    assert outcome == 'fail'
    assert 'method' in result['msg'] and 'netlink' in result['msg']


def test_target_error_becomes_fail_json(run, monkeypatch):
    monkeypatch.setattr(targets, 'require_root', lambda: None)

    def resolve(params, with_paths=True):
        raise targets.TargetError("no such container 'ghost' on unix:///var/run/docker.sock: check `docker ps -a`")

    monkeypatch.setattr(targets, 'resolve', resolve)
    outcome, result = run(container_uid_facts, {'containers': ['ghost']})
    assert outcome == 'fail'
    assert result['msg'] == "no such container 'ghost' on unix:///var/run/docker.sock: check `docker ps -a`"


def test_container_uid_facts_exit(run, monkeypatch):
    monkeypatch.setattr(targets, 'require_root', lambda: None)
    monkeypatch.setattr(targets, 'resolve', lambda params, with_paths=True: [] if with_paths else ['no-paths'])
    monkeypatch.setattr(container_uid_facts.container_processes, 'gather', lambda found: {'web': {'found': found}})
    outcome, result = run(container_uid_facts, {'containers': ['web'], '_ansible_check_mode': True})
    assert outcome == 'exit'
    assert result == {'changed': False, 'ansible_facts': {'container_uids': {'web': {'found': ['no-paths']}}}}
