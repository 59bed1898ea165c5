# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""System tests (root, real engine): module output against `ss` in the same namespace and `ps`/`docker top`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import docker, container_pid, ss_in


def ss_listeners(text):
    """{(netid, address, port, family, ipv6_only)} from `ss -H -tuln`; ss prints a dual-stack wildcard as
    `*` and a v6-only one as `[::]`, and the peer column of an IPv6 socket as `[::]:*` when v6-only."""
    found = set()
    for line in text.splitlines():
        fields = line.split()
        netid, local, peer = fields[0], fields[4], fields[5]
        addr, port = local.rsplit(':', 1)
        addr = addr.split('%')[0]
        if addr == '*':
            found.add((netid, '::', int(port), 'ipv6', False))
        elif addr.startswith('['):
            addr = addr[1:-1]
            if addr.startswith('::ffff:') and '.' in addr:
                addr = addr[len('::ffff:'):]
            found.add((netid, addr, int(port), 'ipv6', peer.startswith('[::]')))
        else:
            found.add((netid, addr, int(port), 'ipv4', False))
    return found


def module_listeners(entry, with_v6only=True):
    return set((e['protocol'].rstrip('6'), e['address'], e['port'], e['family'],
                e['ipv6_only'] if with_v6only else None) for e in entry['tcp_listen'] + entry['udp_listen'])


def _strip_v6only(found):
    return set(item[:4] + (None,) for item in found)


EXPECTED_LISTENER = {
    ('tcp', '0.0.0.0', 18080, 'ipv4', False),
    ('tcp', '127.0.0.1', 18081, 'ipv4', False),
    ('tcp', '::', 18082, 'ipv6', True),
    ('tcp', '::', 18083, 'ipv6', False),
    ('tcp', '::1', 18084, 'ipv6', True),
    ('tcp', '127.0.0.1', 18085, 'ipv6', False),
    ('udp', '0.0.0.0', 15353, 'ipv4', False),
    ('udp', '::', 15354, 'ipv6', True),
    ('udp', '::', 15355, 'ipv6', False),
}


def facts_of(result, key='netns_sockets'):
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False
    return result['ansible_facts'][key]


def test_pid_target_matches_ss(run_module, listener):
    entry = facts_of(run_module('netns_socket_facts', {'pids': [listener.pid]}))['pid:%d' % listener.pid]
    truth = ss_listeners(ss_in(listener.pid))
    assert truth == EXPECTED_LISTENER  # the namespace is what the test built
    assert module_listeners(entry) == truth
    assert entry['method'] == 'netlink'
    assert entry['is_host_netns'] is False
    assert entry['netns_inode'] == os.stat('/proc/%d/ns/net' % listener.pid).st_ino
    # The kernel's name for the listener: python3, or python3.11 where python3 resolves to a versioned binary.
    with open('/proc/%d/comm' % listener.pid, encoding='utf-8') as handle:
        name = handle.read().rstrip('\n')
    assert name.startswith('python')
    assert entry['target'] == {'type': 'pid', 'name': name, 'id': None, 'pid': listener.pid}
    for sock in entry['tcp_listen'] + entry['udp_listen']:
        assert (sock['pid'], sock['name'], sock['uid'], sock['user']) == (listener.pid, name, 0, 'root')
    assert {(e['protocol'], e['port']) for e in entry['tcp_listen']} >= {('tcp6', 18085), ('tcp', 18080)}
    assert all(e['state'] == 'UNCONN' for e in entry['udp_listen'])


def test_procfs_method_matches_ss(run_module, listener):
    entry = facts_of(run_module('netns_socket_facts', {'pids': [listener.pid], 'method': 'procfs'}))[
        'pid:%d' % listener.pid]
    assert entry['method'] == 'procfs'
    assert module_listeners(entry, with_v6only=False) == _strip_v6only(ss_listeners(ss_in(listener.pid)))
    assert {e['ipv6_only'] for e in entry['tcp_listen'] if e['family'] == 'ipv6'} == {None}


def test_all_sockets_include_established(run_module, listener):
    entry = facts_of(run_module('netns_socket_facts', {'pids': [listener.pid], 'include_all_sockets': True}))[
        'pid:%d' % listener.pid]
    estab = set((e['address'], e['port'], e['peer_address'], e['peer_port'])
                for e in entry['sockets'] if e['state'] == 'ESTAB')
    truth = set()
    for line in ss_in(listener.pid, '-tan').splitlines():
        f = line.split()
        if f[0] == 'ESTAB':
            (la, lp), (pa, pp) = f[3].rsplit(':', 1), f[4].rsplit(':', 1)
            truth.add((la, int(lp), pa, int(pp)))
    assert len(truth) == 2 and estab == truth


def test_netns_path_from_ip_netns(run_module, named_netns):
    name, proc = named_netns
    path = '/run/netns/' + name
    before = sorted(os.listdir('/run/netns'))
    entry = facts_of(run_module('netns_socket_facts', {'netns_paths': [path]}))[path]
    assert sorted(os.listdir('/run/netns')) == before  # nothing left behind
    truth = ss_listeners(subprocess.run(['ss', '-H', '-tuln', '-N', name], check=True, capture_output=True,
                                        text=True).stdout)
    assert module_listeners(entry) == truth == EXPECTED_LISTENER
    assert entry['target'] == {'type': 'netns_path', 'name': path, 'id': None, 'pid': None}
    assert entry['netns_inode'] == os.stat(path).st_ino
    assert {e['pid'] for e in entry['tcp_listen']} == {proc.pid}


def test_nginx_container_vs_host(run_module, containers):
    name = containers['nginx']
    facts = facts_of(run_module('netns_socket_facts', {'containers': [name], 'host': True}))
    web, host = facts[name], facts['host']
    pid = container_pid(name)
    assert module_listeners(web) == ss_listeners(ss_in(pid))
    assert ('tcp', '0.0.0.0', 80, 'ipv4', False) in module_listeners(web)
    assert web['target']['pid'] == pid and web['target']['id'] == docker('inspect', '-f', '{{.Id}}', name)
    assert {e['name'] for e in web['tcp_listen'] if e['port'] == 80} == {'nginx'}
    assert web['is_host_netns'] is False and host['is_host_netns'] is True
    assert web['netns_inode'] != host['netns_inode']
    host_truth = ss_listeners(subprocess.run(['ss', '-H', '-tuln'], check=True, capture_output=True, text=True).stdout)
    assert module_listeners(host) == host_truth
    assert 80 not in {e['port'] for e in host['tcp_listen']}


def test_all_containers_keyed_by_name(run_module, containers):
    facts = facts_of(run_module('netns_socket_facts', {'all_containers': True}))
    for kind in ('nginx', 'u1234', 'root'):
        assert facts[containers[kind]]['target']['name'] == containers[kind]
    assert containers['stopped'] not in facts
    assert facts[containers['root']]['tcp_listen'] == []


def _docker_top(name):
    """{(host pid, host uid)} as dockerd reports them (ps over the container's cgroup)."""
    out = docker('top', name, '-eo', 'pid,uid')
    return set(tuple(int(x) for x in line.split()) for line in out.splitlines()[1:])


def _ps_uids(pids):
    out = subprocess.run(['ps', '-o', 'pid=,uid=', '-p', ','.join(str(p) for p in pids)], check=True,
                         capture_output=True, text=True).stdout
    return set(tuple(int(x) for x in line.split()) for line in out.splitlines())


def test_container_uids_match_ps(run_module, containers):
    names = [containers['u1234'], containers['root'], containers['nginx']]
    facts = facts_of(run_module('container_uid_facts', {'containers': names}), 'container_uids')
    for name in names:
        got = set((p['pid'], p['host_uid']) for p in facts[name]['processes'])
        assert got == _docker_top(name) == _ps_uids([p for p, _u in got])
        assert facts[name]['userns_remapped'] is False
        assert facts[name]['uid_map'] == [{'inside': 0, 'outside': 0, 'count': 4294967295}]
    u1234 = facts[containers['u1234']]['processes']
    assert [(p['host_uid'], p['host_user'], p['container_uid'], p['container_user'], p['ns_pid'], p['args'])
            for p in u1234] == [(1234, None, 1234, None, 1, 'sleep infinity')]
    root = facts[containers['root']]['processes'][0]
    assert (root['host_uid'], root['host_user'], root['container_user'], root['command']) == (0, 'root', 'root', 'sleep')
    workers = [p for p in facts[containers['nginx']]['processes'] if p['args'] == 'nginx: worker process']
    assert workers and {(p['container_uid'], p['container_user']) for p in workers} == {(33, 'www-data')}


def test_container_uid_facts_by_pid(run_module, containers):
    pid = container_pid(containers['u1234'])
    entry = facts_of(run_module('container_uid_facts', {'pids': [pid]}), 'container_uids')['pid:%d' % pid]
    assert entry['target'] == {'type': 'pid', 'name': 'sleep', 'id': None, 'pid': pid}
    assert [(p['pid'], p['host_uid']) for p in entry['processes']] == [(pid, 1234)]


@pytest.mark.parametrize('module, key', [('netns_socket_facts', 'netns_sockets'), ('container_uid_facts', 'container_uids')])
def test_unknown_container(run_module, module, key):
    result = run_module(module, {'containers': ['factmod-test-no-such-container']})
    assert result['failed'] is True
    assert result['msg'] == ("no such container 'factmod-test-no-such-container' on unix:///var/run/docker.sock: "
                             "check `docker ps -a`")


@pytest.mark.parametrize('module', ['netns_socket_facts', 'container_uid_facts'])
def test_stopped_container(run_module, containers, module):
    name = containers['stopped']
    result = run_module(module, {'containers': [name]})
    assert result['failed'] is True
    assert result['msg'] == ("container '%s' is not running (State.Pid is 0): start it with `docker start %s` "
                             "or the lab role" % (name, name))


@pytest.mark.parametrize('module', ['netns_socket_facts', 'container_uid_facts'])
def test_missing_pid(run_module, module):
    with open('/proc/sys/kernel/pid_max') as handle:
        pid = int(handle.read()) + 1  # can never exist
    result = run_module(module, {'pids': [pid]})
    assert result['failed'] is True
    assert result['msg'].startswith('no process with pid %d: check `ps -p %d`' % (pid, pid))


@pytest.mark.parametrize('module, args', [
    ('netns_socket_facts', {'pids': [1]}),
    ('container_uid_facts', {'pids': [os.getpid()]}),
])
def test_not_root(run_module, module, args):
    result = run_module(module, args, as_nobody=True)
    assert result['failed'] is True
    assert "needs root to read other processes' namespaces: add `become: true`" in result['msg']


def test_through_ansible_in_check_mode(collections_root, containers):
    """The real Ansible path (AnsiballZ), in check mode."""
    ansible = os.path.join(os.path.dirname(sys.executable), 'ansible')
    name = containers['nginx']
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root, ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    proc = subprocess.run([ansible, 'localhost', '--check', '-o', '-m', 'microlab.docker_internals.netns_socket_facts',
                           '-a', json.dumps({'containers': [name]})], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.split('=>', 1)[1])
    assert result['changed'] is False
    assert 80 in {e['port'] for e in result['ansible_facts']['netns_sockets'][name]['tcp_listen']}
