# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_judge on recorded observations (fixtures/observations/) and small edits of them.

live_all_pass.json is the lab as lab.yml makes it; recorded_shapes.json and recorded_refused.json are real
failure shapes (fixtures/observations/record_observations.py says how they were made). The builders below
edit a recorded observation the way lab_observe.observe would record the fault (a stopped container has no
processes entry, no nginx sockets, no HTTP GET, no probe...). Every case checks the status, the evidence key
and that the evidence said in both languages names the facts a student needs (container, UID, port, exit code).
"""

from __future__ import annotations

import copy
import functools
import json
import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import network

OBSERVATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')
ALL = ['users', 'nginx', 'network']
LANGS = ('en', 'es')


def make_spec(users=None, nginx=None, network=None):
    """The spec lab.yml observes with its defaults (the units' declarations), with some options changed."""
    spec = scenarios.default_spec()
    for key, changes in (('users', users), ('nginx', nginx), ('network', network)):
        spec[key].update(changes or {})
    return spec


# The specs each recording was observed with (as in record_observations.py).
SPECS = {
    'live_all_pass': make_spec(),
    'recorded_shapes': make_spec(users={'root_container': 'jt2_stopped', 'uid_container': 'jt2_uid_1000',
                                        'share_dir': '/tmp/jt2_share_other'},
                                 nginx={'container': 'jt2_missing'},
                                 network={'bridge_client': 'curl_lonely', 'lonely_client': 'jt2_both'}),
    'recorded_refused': make_spec(users={'root_container': 'lab_user_1234', 'uid_container': 'jt2_mixed',
                                         'share_dir': '/tmp/jt2_share_link'},
                                  nginx={'port': 8080}, network={'server': 'lab_user_root'}),
    'recorded_host_ns': make_spec(users={'uid_container': 'jt2_pid_host', 'share_dir': '/tmp/jt2_share_empty'},
                                  nginx={'container': 'jt2_net_host'},
                                  network={'bridge_client': 'jt2_net_host', 'lonely_client': 'jt2_lonely_bridge'}),
}
REMAP = make_spec(users={'userns_remap': True})


@functools.lru_cache(maxsize=None)
def _load(name):
    with open(os.path.join(OBSERVATIONS, name + '.json')) as handle:
        return json.load(handle)


def recorded(name='live_all_pass'):
    """A fresh copy of a recorded observation."""
    return copy.deepcopy(_load(name))


# Builders: each edits an observation as lab_observe.observe would have recorded the fault. -----------------

def engine_down(obs, error='cannot reach the Docker engine at unix:///var/run/docker.sock '
                           '([Errno 2] No such file or directory): start dockerd or set docker_host'):
    return {'scenarios': obs['scenarios'], 'engine': {'reachable': False, 'error': error}}


def _unprobed(obs, name):
    """Probes as start_probes records them when name (server or client) does not run."""
    probes = obs.get('probes') or {}
    if name in probes:
        probes[name] = {'ran': False, 'url': probes[name]['url'], 'error': 'not running'}
    if name == 'web_server':
        for client in probes:
            probes[client] = {'ran': False, 'url': '', 'error': 'no server IP'}


def _gone(obs, name):
    """What observe does not read of a container that does not run: processes, namespaces, interfaces."""
    for part in ('processes', 'namespaces', 'interfaces'):
        obs[part].pop(name, None)


def missing(name):
    def edit(obs):
        obs['containers'][name] = None
        _gone(obs, name)
        if name == 'web_server':
            obs['sockets'].pop('container', None)
            obs['http'] = None
        _unprobed(obs, name)
        return obs
    return edit


def stopped(name, state='exited'):
    def edit(obs):
        obs['containers'][name].update(state=state, running=False, pid=0)
        for net in obs['containers'][name]['networks'].values():
            net.update(ip='', prefix=0)
        _gone(obs, name)
        if name == 'web_server':
            obs['sockets'].pop('container', None)
            obs['http'] = None
        _unprobed(obs, name)
        return obs
    return edit


def no_process_left(name):
    def edit(obs):
        obs['processes'][name]['processes'] = []
        return obs
    return edit


def processes_unreadable(name, error='not root: add `become: true` to read other processes'):
    def edit(obs):
        obs['processes'][name] = {'error': error}
        return obs
    return edit


def host_uid(name, uid, user=None):
    def edit(obs):
        for process in obs['processes'][name]['processes']:
            process.update(host_uid=uid, host_user=user)
        return obs
    return edit


def remapped(cuid=0, huid=165536, uid_map=None, flag=True, owner='dockremap'):
    """lab_user_remapped added, its root seen through uid_map (identity when flag is False)."""
    def edit(obs):
        obs['containers']['lab_user_remapped'] = dict(copy.deepcopy(obs['containers']['lab_user_root']),
                                                      name='lab_user_remapped', id='c0ffee' * 10, pid=4242)
        maps = uid_map if uid_map is not None else [{'inside': 0, 'outside': huid if flag else 0,
                                                     'count': 65536 if flag else 4294967295}]
        obs['processes']['lab_user_remapped'] = {
            'userns_remapped': flag, 'uid_map': maps, 'gid_map': maps, 'subordinate_owner': owner if flag else None,
            'processes': [{'pid': 4242, 'ns_pid': 1, 'command': 'sleep', 'args': 'sleep infinity', 'host_uid': huid,
                           'host_gid': huid, 'host_user': None, 'container_uid': cuid, 'container_user': 'root'}]}
        return obs
    return edit


def nginx_sockets(port=None, only_v6=False):
    """web_server's LISTEN sockets moved to another port, or only its IPv6 one left."""
    def edit(obs):
        listen = obs['sockets']['container']['tcp_listen']
        if only_v6:
            listen[:] = [s for s in listen if s['family'] == 'ipv6']
        if port is not None:
            for socket in listen:
                socket['port'] = port
        return obs
    return edit


def sockets_unreadable(which, error='setns(/proc/5640/ns/net): Operation not permitted'):
    def edit(obs):
        obs['sockets'][which] = {'error': error}
        return obs
    return edit


def on_host(name, pid, port=80, addresses=('0.0.0.0', '::')):
    """Something on the host itself listens on :port (a host nginx, docker-proxy of a published port)."""
    def edit(obs):
        obs['sockets']['host']['tcp_listen'] += [
            {'address': address, 'family': 'ipv6' if ':' in address else 'ipv4', 'ipv6_only': ':' in address,
             'name': name, 'pid': pid, 'port': port, 'protocol': 'tcp6' if ':' in address else 'tcp',
             'state': 'LISTEN', 'uid': 0, 'user': 'root'} for address in addresses]
        return obs
    return edit


def http(status, error=None):
    def edit(obs):
        obs['http'] = dict(obs['http'], status=status, **({'error': error} if error else {}))
        return obs
    return edit


def no_networks(name):
    """name runs but is attached to no network (docker network disconnect)."""
    def edit(obs):
        obs['containers'][name]['networks'] = {}
        if name == 'web_server':
            obs['http'] = None
            for client in obs['probes']:
                obs['probes'][client] = {'ran': False, 'url': '', 'error': 'no server IP'}
        return obs
    return edit


def network_deleted(stale=False):
    """lonely_curl gone; the lonely client disconnected from it first (as Docker requires), or still listing it."""
    def edit(obs):
        obs['networks']['lonely_curl'] = None
        if not stale:
            obs['containers']['curl_lonely']['networks'] = {}
            probe(rc=7, code='000', stderr='curl: (7) Failed to connect to 172.17.0.8 port 80: Network is unreachable',
                  client='curl_lonely')(obs)
        return obs
    return edit


def also_on(name, network, ip):
    """name also attached to network (docker network connect)."""
    def edit(obs):
        obs['containers'][name]['networks'][network] = {'ip': ip, 'prefix': 16, 'network_id': network}
        return obs
    return edit


def blank_ip(name, network):
    """name attached to network with no address."""
    def edit(obs):
        obs['containers'][name]['networks'][network].update(ip='', prefix=0)
        return obs
    return edit


def network_option(name, **changes):
    def edit(obs):
        obs['networks'][name].update(changes)
        return obs
    return edit


def probe(client, rc, code='000', stderr='', time='2.003'):
    def edit(obs):
        obs['probes'][client].update(ran=True, rc=rc, http_code=code, stderr=stderr, time=time)
        return obs
    return edit


def probe_not_run(client, error):
    def edit(obs):
        obs['probes'][client] = {'ran': False, 'url': obs['probes'][client]['url'], 'error': error}
        return obs
    return edit


def file_seen(**changes):
    """The uid file as read_file_owner would have recorded it; exists=False drops what lstat gives."""
    def edit(obs):
        found = obs['files']['uid_file']
        found.update(changes)
        if not found['exists']:
            for key in ('regular', 'uid', 'gid', 'user'):
                found.pop(key, None)
        return obs
    return edit


def no_share_dir(obs):
    """share_dir empty: observe does not look at any file."""
    obs.pop('files')
    return obs


def namespace(name, kind, inode):
    """The namespace inode of kind (pid, net) of name (or 'host'); None when /proc/PID/ns could not be read."""
    def edit(obs):
        obs['namespaces'].setdefault(name, {})[kind] = inode
        return obs
    return edit


def same_namespace_as_host(name, kind):
    def edit(obs):
        obs['namespaces'][name][kind] = obs['namespaces']['host'][kind]
        return obs
    return edit


def ns_pids(name, *pids):
    """The PIDs name's processes have in their own namespace (--pid host: the host PIDs)."""
    def edit(obs):
        for process, ns_pid in zip(obs['processes'][name]['processes'], pids):
            process['ns_pid'] = ns_pid
        return obs
    return edit


def eth0_peer(client, index):
    """The client's eth0 peer index as `cat /sys/class/net/eth0/iflink` gave it (None: no eth0)."""
    def edit(obs):
        obs['interfaces'][client]['eth0_peer_index'] = index
        return obs
    return edit


def host_link(index, **changes):
    """Change the host's link index (None: no such link on the host)."""
    def edit(obs):
        if not changes:
            obs['host_links'].pop(str(index))
        else:
            obs['host_links'][str(index)].update(changes)
        return obs
    return edit


def build(name='live_all_pass', *edits):
    obs = recorded(name)
    for edit in edits:
        obs = edit(obs)
    return obs


# Helpers ---------------------------------------------------------------------------------------------------

def said(result):
    """The evidence in each language."""
    return dict((lang, catalog.render(lang, result['evidence'])) for lang in LANGS)


def check(result, status, key, facts, words):
    """status and evidence key; facts (any language) and words ({lang: [...]}) in the rendered evidence."""
    assert result['status'] == status
    assert result['evidence'][0] == key
    for lang, text in said(result).items():
        for fact in facts:
            assert str(fact) in text, (lang, fact, text)
        for word in words.get(lang, ()):
            assert word in text, (lang, word, text)
        assert 'None' not in text and '{' not in text, (lang, text)


NOT_RUNNING = {'en': ['exists but is not running'], 'es': ['existe pero no está en marcha']}
MISSING = {'en': ['does not exist'], 'es': ['no existe']}
TIMEOUT = {'en': ['timed out after 2 s', 'exit code 28'], 'es': ['se agotó el tiempo de espera de 2 s',
                                                                 'código de salida 28']}
REFUSED = {'en': ['could not connect (curl exit code 7: ', 'not a timeout', '"connection refused" means'],
           'es': ['no se pudo conectar (código de salida 7 de curl: ', 'no se agotó el tiempo',
                  '"connection refused" quiere decir']}
NOT_ISOLATED = {'en': ['not isolated'], 'es': ['no están aisladas']}


# Whole observations ------------------------------------------------------------------------------------------

def test_the_live_lab_passes_every_outcome():
    results = scenarios.judge(recorded('live_all_pass'), SPECS['live_all_pass'])
    assert list(results) == scenarios.outcome_ids(SPECS['live_all_pass'], ALL)
    assert dict((oid, r['status']) for oid, r in results.items()) == dict((oid, 'pass') for oid in results)
    assert scenarios.failed(results) == []


@pytest.mark.parametrize('name', sorted(SPECS))
def test_every_recording_is_judged_for_every_outcome_id(name):
    results = scenarios.judge(recorded(name), SPECS[name])
    assert sorted(results) == sorted(scenarios.outcome_ids(SPECS[name], ALL))
    for result in results.values():
        said(result)


@pytest.mark.parametrize('name, failed', [
    ('recorded_shapes', ['network_bridge_http_200', 'network_drop_rule', 'network_interfaces_differ',
                         'network_lonely_times_out',
                         'network_veth_pairs', 'nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_listens_in_netns',
                         'nginx_own_netns', 'users_file_owner', 'users_root_is_uid0', 'users_uid_matches']),
    ('recorded_refused', ['network_bridge_http_200', 'nginx_http_by_ip', 'nginx_listens_in_netns',
                          'users_file_owner', 'users_root_is_uid0', 'users_uid_matches']),
    ('recorded_host_ns', ['network_drop_rule', 'network_interfaces_differ', 'network_lonely_times_out',
                          'network_veth_pairs',
                          'nginx_http_by_ip', 'nginx_listens_in_netns', 'nginx_own_netns', 'users_file_owner',
                          'users_pid_namespace']),
])
def test_failed_lists_the_outcomes_that_did_not_pass_sorted(name, failed):
    assert scenarios.failed(scenarios.judge(recorded(name), SPECS[name])) == failed


@pytest.mark.parametrize('spec, names', [
    (SPECS['live_all_pass'], ALL),
    (REMAP, ALL),
    (REMAP, ['users']),
    (SPECS['live_all_pass'], ['network']),
])
def test_engine_down_fails_every_outcome_with_the_error(spec, names):
    obs = engine_down(recorded())
    obs['scenarios'] = names
    results = scenarios.judge(obs, spec)
    assert list(results) == scenarios.outcome_ids(spec, names)
    assert ('users_userns_remapped' in results) == ('users' in names and spec['users']['userns_remap'])
    for result in results.values():
        check(result, 'fail', 'ev.engine_down', ['unix:///var/run/docker.sock', 'No such file or directory',
                                                 'sudo systemctl start docker'],
              {'en': ['does not answer'], 'es': ['no responde']})


def test_only_the_observed_scenarios_are_judged():
    obs = recorded()
    obs['scenarios'] = ['nginx']
    assert list(scenarios.judge(obs, make_spec())) == list(scenarios.OUTCOMES['nginx'])


@pytest.mark.parametrize('spec, names, ids', [
    (make_spec(), ['users'], ['users_root_is_uid0', 'users_uid_matches', 'users_file_owner',
                              'users_pid_namespace']),
    (REMAP, ['users'], ['users_root_is_uid0', 'users_uid_matches', 'users_file_owner', 'users_pid_namespace',
                        'users_userns_remapped']),
    (make_spec(), ['nginx'], ['nginx_listens_in_netns', 'nginx_absent_on_host', 'nginx_http_by_ip',
                              'nginx_own_netns']),
    (REMAP, ['network', 'users'], ['network_bridge_http_200', 'network_lonely_times_out',
                                   'network_interfaces_differ', 'network_veth_pairs', 'network_drop_rule',
                                   'users_root_is_uid0',
                                   'users_uid_matches', 'users_file_owner', 'users_pid_namespace',
                                   'users_userns_remapped']),
])
def test_outcome_ids(spec, names, ids):
    assert scenarios.outcome_ids(spec, names) == ids


# One outcome per case -----------------------------------------------------------------------------------------

CASES = [
    # Scenario 1: users_root_is_uid0 and users_uid_matches.
    pytest.param(build(), SPECS['live_all_pass'], 'users_root_is_uid0', 'pass', 'ev.users_runs_as',
                 ['lab_user_root', 'pid 3642', 'sleep infinity', 'UID 0', '(root)'], {}, id='root-pass'),
    pytest.param(build(), SPECS['live_all_pass'], 'users_uid_matches', 'pass', 'ev.users_runs_as',
                 ['lab_user_1234', 'pid 7384', 'UID 1234'], {'en': ['no such user'], 'es': ['ningún usuario']},
                 id='uid-pass-no-passwd-entry'),
    pytest.param(build('live_all_pass', missing('lab_user_root')), SPECS['live_all_pass'], 'users_root_is_uid0',
                 'fail', 'ev.missing', ['lab_user_root'], MISSING, id='root-container-missing'),
    pytest.param(build('live_all_pass', missing('lab_user_1234')), SPECS['live_all_pass'], 'users_uid_matches',
                 'fail', 'ev.missing', ['lab_user_1234'], MISSING, id='uid-container-missing'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'users_root_is_uid0', 'fail',
                 'ev.not_running', ['jt2_stopped', 'exited'], NOT_RUNNING, id='recorded-root-container-exited'),
    pytest.param(build('live_all_pass', stopped('lab_user_1234', state='created')), SPECS['live_all_pass'],
                 'users_uid_matches', 'fail', 'ev.not_running', ['lab_user_1234', 'created'], NOT_RUNNING,
                 id='uid-container-created-never-started'),
    pytest.param(build('live_all_pass', no_process_left('lab_user_1234')), SPECS['live_all_pass'],
                 'users_uid_matches', 'fail', 'ev.no_process', ['lab_user_1234'],
                 {'en': ['no process left'], 'es': ['ningún proceso']}, id='running-no-process-left'),
    pytest.param(build('live_all_pass', processes_unreadable('lab_user_root')), SPECS['live_all_pass'],
                 'users_root_is_uid0', 'fail', 'ev.read_error', ['lab_user_root', 'become: true'],
                 {'en': ['could not read'], 'es': ['no se pudo leer']}, id='processes-unreadable'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'users_uid_matches', 'fail',
                 'ev.users_runs_as', ['jt2_uid_1000', 'UID 1000'], {}, id='recorded-other-uid-1000'),
    pytest.param(build('live_all_pass', host_uid('lab_user_1234', 1000, 'student')), SPECS['live_all_pass'],
                 'users_uid_matches', 'fail', 'ev.users_runs_as', ['lab_user_1234', 'UID 1000', '(student)'], {},
                 id='uid-1000-instead-of-1234'),
    pytest.param(build(), make_spec(users={'uid': 1000}), 'users_uid_matches', 'fail', 'ev.users_runs_as',
                 ['lab_user_1234', 'UID 1234'], {}, id='spec-asks-1000-container-runs-1234'),
    pytest.param(build('recorded_refused'), SPECS['recorded_refused'], 'users_root_is_uid0', 'fail',
                 'ev.users_runs_as', ['lab_user_1234', 'UID 1234'], {}, id='recorded-root-container-runs-as-1234'),
    pytest.param(build('recorded_refused'), SPECS['recorded_refused'], 'users_uid_matches', 'fail',
                 'ev.users_runs_as', ['jt2_mixed', 'UID 0,1234'], {}, id='recorded-mixed-uids-0-and-1234'),
    pytest.param(build(), make_spec(users={'root_container': 'web_server'}), 'users_root_is_uid0', 'fail',
                 'ev.users_runs_as', ['web_server', 'UID 0,33', 'nginx: master process'], {},
                 id='recorded-mixed-uids-root-and-www-data'),

    # Scenario 1, userns-remap: users_userns_remapped.
    pytest.param(build('live_all_pass', remapped()), REMAP, 'users_userns_remapped', 'pass', 'ev.users_remapped',
                 ['lab_user_remapped', 'pid 4242', 'UID 0', 'UID 165536', 'uid_map 165536', 'dockremap'], {},
                 id='remapped-ok'),
    pytest.param(build('live_all_pass', remapped(huid=0, flag=False)), REMAP, 'users_userns_remapped', 'fail',
                 'ev.users_remapped', ['lab_user_remapped', 'UID 0', 'uid_map 0'], {},
                 id='not-remapped-identity-uid-map'),
    pytest.param(build('live_all_pass', remapped(cuid=1234, huid=166770)), REMAP, 'users_userns_remapped', 'fail',
                 'ev.users_remapped', ['lab_user_remapped', 'UID 1234', 'UID 166770'], {},
                 id='remapped-container-uid-not-0'),
    pytest.param(build('live_all_pass', remapped(huid=0, flag=True)), REMAP, 'users_userns_remapped', 'fail',
                 'ev.users_remapped', ['lab_user_remapped', 'UID 0'], {}, id='remapped-flag-but-host-root'),
    pytest.param(build(), REMAP, 'users_userns_remapped', 'fail', 'ev.missing', ['lab_user_remapped'], MISSING,
                 id='remapped-container-missing'),
    pytest.param(build('live_all_pass', remapped(), stopped('lab_user_remapped')), REMAP, 'users_userns_remapped',
                 'fail', 'ev.not_running', ['lab_user_remapped', 'exited'], NOT_RUNNING, id='remapped-stopped'),
    pytest.param(build('live_all_pass', remapped(), no_process_left('lab_user_remapped')), REMAP,
                 'users_userns_remapped', 'fail', 'ev.no_process', ['lab_user_remapped'], {},
                 id='remapped-no-process-left'),
    pytest.param(build('live_all_pass', remapped(), processes_unreadable('lab_user_remapped', 'vanished')), REMAP,
                 'users_userns_remapped', 'fail', 'ev.read_error', ['lab_user_remapped', 'vanished'], {},
                 id='remapped-processes-unreadable'),

    # Scenario 2: nginx_listens_in_netns.
    pytest.param(build(), SPECS['live_all_pass'], 'nginx_listens_in_netns', 'pass', 'ev.nginx_listens',
                 ['web_server', 'netns 4026532635', '0.0.0.0:80', ':::80', 'nginx pid 5640'], {},
                 id='listens-pass'),
    pytest.param(build('live_all_pass', nginx_sockets(port=8080)), SPECS['live_all_pass'],
                 'nginx_listens_in_netns', 'fail', 'ev.nginx_nothing', ['web_server', 'netns 4026532635', ':80'],
                 {'en': ['nothing listens'], 'es': ['nada escucha']}, id='nginx-on-8080-not-80'),
    pytest.param(build('recorded_refused'), SPECS['recorded_refused'], 'nginx_listens_in_netns', 'fail',
                 'ev.nginx_nothing', ['web_server', ':8080'], {}, id='recorded-spec-8080-nginx-on-80'),
    pytest.param(build('live_all_pass', nginx_sockets(only_v6=True)), SPECS['live_all_pass'],
                 'nginx_listens_in_netns', 'pass', 'ev.nginx_listens', [':::80'], {}, id='listens-only-v6'),
    pytest.param(build('live_all_pass', sockets_unreadable('container')), SPECS['live_all_pass'],
                 'nginx_listens_in_netns', 'fail', 'ev.read_error', ['web_server', 'Operation not permitted'],
                 {'en': ['could not read'], 'es': ['no se pudo leer']}, id='container-sockets-unreadable'),
    pytest.param(build('live_all_pass', stopped('web_server')), SPECS['live_all_pass'], 'nginx_listens_in_netns',
                 'fail', 'ev.not_running', ['web_server', 'exited'], NOT_RUNNING, id='listens-web-server-stopped'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'nginx_listens_in_netns', 'fail',
                 'ev.missing', ['jt2_missing'], MISSING, id='recorded-listens-container-missing'),

    # Scenario 2: nginx_absent_on_host.
    pytest.param(build(), SPECS['live_all_pass'], 'nginx_absent_on_host', 'pass', 'ev.host_clear',
                 ['4026531833', ':80'], {'en': ['nothing listens'], 'es': ['nada escucha']},
                 id='absent-pass-other-host-port-ignored'),
    pytest.param(build('live_all_pass', on_host('nginx', 999)), SPECS['live_all_pass'], 'nginx_absent_on_host',
                 'fail', 'ev.host_taken', ['0.0.0.0:80', 'nginx pid 999', ':::80'],
                 {'en': ['something on the host itself'], 'es': ['algo del propio host']}, id='host-nginx-on-80'),
    pytest.param(build('live_all_pass', on_host('docker-proxy', 4321, addresses=('0.0.0.0',))),
                 SPECS['live_all_pass'], 'nginx_absent_on_host', 'fail', 'ev.host_taken',
                 ['0.0.0.0:80', 'docker-proxy pid 4321'], {}, id='docker-proxy-published-80'),
    pytest.param(build('live_all_pass', on_host(None, None, addresses=('127.0.0.1',))), SPECS['live_all_pass'],
                 'nginx_absent_on_host', 'fail', 'ev.host_taken', ['127.0.0.1:80'],
                 {'en': ['which process owns it is visible to root only'], 'es': ['solo lo ve root']},
                 id='host-80-owner-unknown'),
    pytest.param(build('live_all_pass', on_host('nginx', 999, port=8080)), SPECS['live_all_pass'],
                 'nginx_absent_on_host', 'pass', 'ev.host_clear', [':80'], {}, id='host-nginx-on-another-port'),
    pytest.param(build('live_all_pass', stopped('web_server')), SPECS['live_all_pass'], 'nginx_absent_on_host',
                 'fail', 'ev.host_clear_not_running', ['web_server', ':80', '4026531833'],
                 {'en': ['is not running'], 'es': ['no está en marcha']}, id='absent-web-server-stopped'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'nginx_absent_on_host', 'fail',
                 'ev.host_clear_not_running', ['jt2_missing', ':80'], {}, id='recorded-absent-container-missing'),
    pytest.param(build('live_all_pass', stopped('web_server'), on_host('nginx', 999)), SPECS['live_all_pass'],
                 'nginx_absent_on_host', 'fail', 'ev.host_taken', ['nginx pid 999'], {},
                 id='web-server-stopped-host-nginx-on-80'),
    pytest.param(build('live_all_pass', sockets_unreadable('host', 'netlink: Permission denied')),
                 SPECS['live_all_pass'], 'nginx_absent_on_host', 'fail', 'ev.read_error',
                 ['host', 'Permission denied'], {}, id='host-sockets-unreadable'),

    # Scenario 2: nginx_http_by_ip.
    pytest.param(build(), SPECS['live_all_pass'], 'nginx_http_by_ip', 'pass', 'ev.http_status',
                 ['http://172.17.0.8:80/', 'HTTP 200'], {}, id='http-200'),
    pytest.param(build('live_all_pass', http(404)), SPECS['live_all_pass'], 'nginx_http_by_ip', 'fail',
                 'ev.http_status', ['http://172.17.0.8:80/', 'HTTP 404'], {}, id='http-404'),
    pytest.param(build('live_all_pass', http(502)), SPECS['live_all_pass'], 'nginx_http_by_ip', 'fail',
                 'ev.http_status', ['HTTP 502'], {}, id='http-502'),
    pytest.param(build('live_all_pass', http(None, 'timed out')), SPECS['live_all_pass'], 'nginx_http_by_ip',
                 'fail', 'ev.http_error', ['http://172.17.0.8:80/', 'timed out'],
                 {'en': ['no answer'], 'es': ['sin respuesta']}, id='http-timeout'),
    pytest.param(build('recorded_refused'), SPECS['recorded_refused'], 'nginx_http_by_ip', 'fail', 'ev.http_error',
                 [':8080/', 'Connection refused'], {}, id='recorded-http-refused-on-8080'),
    pytest.param(build('live_all_pass', no_networks('web_server')), SPECS['live_all_pass'], 'nginx_http_by_ip',
                 'fail', 'ev.no_ip', ['web_server'], {'en': ['no IP address'], 'es': ['no tiene dirección IP']},
                 id='http-no-ip'),
    pytest.param(build('live_all_pass', stopped('web_server')), SPECS['live_all_pass'], 'nginx_http_by_ip', 'fail',
                 'ev.not_running', ['web_server'], NOT_RUNNING, id='http-web-server-stopped'),

    # Scenario 3: network_bridge_http_200.
    pytest.param(build(), SPECS['live_all_pass'], 'network_bridge_http_200', 'pass', 'ev.curl',
                 ['curl_bridge', '172.17.0.10/16', 'bridge', 'http://172.17.0.8/', 'HTTP 200'], {},
                 id='bridge-200'),
    pytest.param(build('recorded_refused'), SPECS['recorded_refused'], 'network_bridge_http_200', 'fail', 'ev.curl',
                 ['curl_bridge', 'http://172.17.0.6/', "curl: (7) Failed to connect to 172.17.0.6 port 80 after 0 ms: "
                  "Couldn't connect to server"], REFUSED, id='recorded-bridge-refused-7'),
    pytest.param(build('live_all_pass', probe('curl_bridge', 28)), SPECS['live_all_pass'],
                 'network_bridge_http_200', 'fail', 'ev.curl', ['curl_bridge'], TIMEOUT, id='bridge-timed-out-28'),
    pytest.param(build('live_all_pass', probe('curl_bridge', 0, code='404')), SPECS['live_all_pass'],
                 'network_bridge_http_200', 'fail', 'ev.curl', ['curl_bridge', 'HTTP 404'], {}, id='bridge-404'),
    pytest.param(build('live_all_pass', probe('curl_bridge', 6, stderr='curl: (6) Could not resolve host: web')),
                 SPECS['live_all_pass'], 'network_bridge_http_200', 'fail', 'ev.curl',
                 ['curl_bridge', 'curl: (6) Could not resolve host'], {'en': ['curl exit code 6'],
                                                                       'es': ['código de salida 6 de curl']},
                 id='bridge-other-exit-6'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'network_bridge_http_200', 'fail', 'ev.curl',
                 ['curl_lonely', 'lonely_curl'], dict(TIMEOUT, en=TIMEOUT['en'] + ['no IP on lonely_curl'],
                                                      es=TIMEOUT['es'] + ['sin IP en lonely_curl']),
                 id='recorded-bridge-client-on-the-wrong-network'),
    pytest.param(build('live_all_pass', probe_not_run('curl_bridge', "cannot exec in container 'curl_bridge' "
                                                                     "(409): container is paused")),
                 SPECS['live_all_pass'], 'network_bridge_http_200', 'fail', 'ev.curl_other',
                 ['?', 'cannot exec', 'paused'], {}, id='bridge-probe-could-not-run'),
    pytest.param(build('live_all_pass', stopped('curl_bridge')), SPECS['live_all_pass'], 'network_bridge_http_200',
                 'fail', 'ev.not_running', ['curl_bridge', 'exited'], NOT_RUNNING, id='bridge-client-stopped'),
    pytest.param(build('live_all_pass', missing('curl_bridge')), SPECS['live_all_pass'], 'network_bridge_http_200',
                 'fail', 'ev.missing', ['curl_bridge'], MISSING, id='bridge-client-missing'),
    pytest.param(build('live_all_pass', stopped('web_server')), SPECS['live_all_pass'], 'network_bridge_http_200',
                 'fail', 'ev.not_running', ['web_server'], NOT_RUNNING, id='bridge-server-stopped'),
    pytest.param(build('live_all_pass', no_networks('web_server')), SPECS['live_all_pass'],
                 'network_bridge_http_200', 'fail', 'ev.curl_no_server_ip', ['web_server'],
                 {'en': ['no IP on the default bridge'], 'es': ['no tiene IP en el bridge por defecto']},
                 id='bridge-server-has-no-ip'),

    # Scenario 3: network_lonely_times_out.
    pytest.param(build(), SPECS['live_all_pass'], 'network_lonely_times_out', 'pass', 'ev.curl',
                 ['curl_lonely', '172.20.0.2/16', 'lonely_curl', 'http://172.17.0.8/'], TIMEOUT,
                 id='lonely-timed-out-28'),
    pytest.param(build('live_all_pass', probe('curl_lonely', 7, stderr='curl: (7) Failed to connect')),
                 SPECS['live_all_pass'], 'network_lonely_times_out', 'fail', 'ev.curl',
                 ['curl_lonely', ': curl: (7) Failed to connect)'], REFUSED, id='lonely-refused-7'),
    pytest.param(build('live_all_pass', probe('curl_lonely', 7)), SPECS['live_all_pass'],
                 'network_lonely_times_out', 'fail', 'ev.curl', ['curl_lonely', ': ?)'], REFUSED,
                 id='lonely-refused-7-without-stderr'),
    pytest.param(build('live_all_pass', probe('curl_lonely', 0, code='200', time='0.002')), SPECS['live_all_pass'],
                 'network_lonely_times_out', 'fail', 'ev.curl', ['curl_lonely', 'HTTP 200'], NOT_ISOLATED,
                 id='lonely-got-200'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'network_lonely_times_out', 'fail', 'ev.curl',
                 ['jt2_both', 'bridge + lonely_curl', 'HTTP 200'], NOT_ISOLATED,
                 id='recorded-lonely-client-on-both-networks'),
    pytest.param(build('live_all_pass', probe('curl_lonely', 6, stderr='curl: (6) Could not resolve host')),
                 SPECS['live_all_pass'], 'network_lonely_times_out', 'fail', 'ev.curl',
                 ['curl: (6) Could not resolve host'], {'en': ['curl exit code 6'], 'es': ['código de salida 6']},
                 id='lonely-other-exit-6'),
    pytest.param(build('live_all_pass', network_deleted()), SPECS['live_all_pass'], 'network_lonely_times_out',
                 'fail', 'ev.curl', ['curl_lonely', 'Failed to connect to 172.17.0.8 port 80: Network is unreachable'],
                 dict(REFUSED, en=REFUSED['en'] + ['no IP on no network'],
                      es=REFUSED['es'] + ['sin IP en ninguna red']),
                 id='lonely-network-deleted'),
    pytest.param(build('live_all_pass', probe_not_run('curl_lonely', 'cannot exec: OCI runtime exec failed')),
                 SPECS['live_all_pass'], 'network_lonely_times_out', 'fail', 'ev.curl_other',
                 ['OCI runtime exec failed'], {}, id='lonely-probe-could-not-run'),
    pytest.param(build('live_all_pass', stopped('curl_lonely')), SPECS['live_all_pass'], 'network_lonely_times_out',
                 'fail', 'ev.not_running', ['curl_lonely'], NOT_RUNNING, id='lonely-client-stopped'),
    pytest.param(build('live_all_pass', missing('web_server')), SPECS['live_all_pass'], 'network_lonely_times_out',
                 'fail', 'ev.missing', ['web_server'], MISSING, id='lonely-server-missing'),
    pytest.param(build('live_all_pass', no_networks('web_server')), SPECS['live_all_pass'],
                 'network_lonely_times_out', 'fail', 'ev.curl_no_server_ip', ['web_server'], {},
                 id='lonely-server-has-no-ip'),

    # Scenario 3: network_interfaces_differ.
    pytest.param(build(), SPECS['live_all_pass'], 'network_interfaces_differ', 'pass', 'list',
                 ['curl_bridge 172.17.0.10/16', '172.17.0.0/16', 'docker0', 'curl_lonely 172.20.0.2/16',
                  '172.20.0.0/16', 'br-f261f03768cc', '; '], {}, id='interfaces-differ'),
    pytest.param(build('live_all_pass', network_deleted()), SPECS['live_all_pass'], 'network_interfaces_differ',
                 'fail', 'list', ['curl_lonely', '172.17.0.0/16'],
                 {'en': ['no IP on no network'], 'es': ['sin IP en ninguna red']}, id='interfaces-network-deleted'),
    pytest.param(build('live_all_pass', network_deleted(stale=True)), SPECS['live_all_pass'],
                 'network_interfaces_differ', 'fail', 'list', ['curl_lonely 172.20.0.2/16'],
                 {'en': ['(subnet ?, host bridge ?)'], 'es': ['(subred ?, bridge del host ?)']},
                 id='interfaces-network-deleted-container-still-lists-it'),
    pytest.param(build('live_all_pass', no_networks('curl_lonely')), SPECS['live_all_pass'],
                 'network_interfaces_differ', 'fail', 'list', ['curl_lonely', '172.20.0.0/16'],
                 {'en': ['no IP on no network'], 'es': ['sin IP en ninguna red']}, id='lonely-client-disconnected'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'network_interfaces_differ', 'fail', 'list',
                 ['jt2_both 172.20.0.3/16', 'bridge + lonely_curl', 'curl_lonely'], {},
                 id='recorded-both-networks-and-wrong-network'),
    pytest.param(build('live_all_pass', network_option('lonely_curl', subnets=['172.17.0.0/16'])),
                 SPECS['live_all_pass'], 'network_interfaces_differ', 'fail', 'list',
                 ['172.17.0.0/16'], {'en': ['subnet 172.17.0.0/16, host bridge docker0',
                                            'subnet 172.17.0.0/16, host bridge br-f261f03768cc'],
                                     'es': ['subred 172.17.0.0/16, bridge del host docker0',
                                            'subred 172.17.0.0/16, bridge del host br-f261f03768cc']},
                 id='same-subnet'),
    pytest.param(build('live_all_pass', network_option('lonely_curl', bridge='docker0')),
                 SPECS['live_all_pass'], 'network_interfaces_differ', 'fail', 'list',
                 ['docker0'], {'en': ['subnet 172.17.0.0/16, host bridge docker0',
                                      'subnet 172.20.0.0/16, host bridge docker0'],
                               'es': ['subred 172.17.0.0/16, bridge del host docker0',
                                      'subred 172.20.0.0/16, bridge del host docker0']}, id='same-bridge'),
    pytest.param(build('live_all_pass', also_on('curl_lonely', 'bridge', '172.17.0.11')), SPECS['live_all_pass'],
                 'network_interfaces_differ', 'fail', 'list', ['curl_lonely 172.20.0.2/16', 'bridge + lonely_curl'],
                 {}, id='lonely-client-also-on-bridge'),
    pytest.param(build('live_all_pass', also_on('curl_bridge', 'lonely_curl', '172.20.0.9')), SPECS['live_all_pass'],
                 'network_interfaces_differ', 'fail', 'list', ['curl_bridge 172.17.0.10/16', 'bridge + lonely_curl'],
                 {}, id='bridge-client-also-on-lonely-network'),
    pytest.param(build('live_all_pass', blank_ip('curl_lonely', 'lonely_curl')), SPECS['live_all_pass'],
                 'network_interfaces_differ', 'fail', 'list', ['curl_lonely'],
                 {'en': ['curl_lonely no IP on lonely_curl'], 'es': ['curl_lonely sin IP en lonely_curl']},
                 id='lonely-client-attached-without-ip'),
    pytest.param(build('live_all_pass', network_option('lonely_curl', subnets=[])), SPECS['live_all_pass'],
                 'network_interfaces_differ', 'fail', 'list', ['curl_lonely', 'br-f261f03768cc'],
                 {'en': ['subnet ?'], 'es': ['subred ?']}, id='lonely-network-without-subnet'),
    pytest.param(build('live_all_pass', stopped('curl_bridge')), SPECS['live_all_pass'], 'network_interfaces_differ',
                 'fail', 'list', ['curl_bridge'], {'en': ['curl_bridge no IP on no network'],
                                                   'es': ['curl_bridge sin IP en ninguna red']},
                 id='interfaces-bridge-client-stopped'),
    pytest.param(build('live_all_pass', missing('curl_lonely')), SPECS['live_all_pass'], 'network_interfaces_differ',
                 'fail', 'list', ['curl_lonely'], {}, id='interfaces-lonely-client-missing'),
]


@pytest.mark.parametrize('obs, spec, oid, status, key, facts, words', CASES)
def test_outcome(obs, spec, oid, status, key, facts, words):
    results = scenarios.judge(obs, spec)
    check(results[oid], status, key, facts, words)


# The outcomes added with the errata: users_file_owner, users_pid_namespace, nginx_own_netns, network_veth_pairs.

LIVE = SPECS['live_all_pass']
LAB_FILE = '/var/lib/microlab/users/written-by-uid-1234'
FILE_MISSING = {'en': ['is not on the host', 'did not write it'], 'es': ['no está en el host', 'no lo escribió']}
NOT_REGULAR = {'en': ['not a regular file', 'symbolic link'], 'es': ['no es un archivo regular', 'enlace simbólico']}
NO_PID_ONE = {'en': ['none of its processes is PID 1'], 'es': ['ninguno de sus procesos es el PID 1']}
PID_NS = {'en': ['PID 1 inside is host PID', "the host's"], 'es': ['el PID 1 de adentro es el PID', 'el del host']}
NET_NS = {'en': ['network namespace', "the host's"], 'es': ['namespace de red', 'el del host']}
VETH_MISSING = {'en': ['curl_lonely has no eth0 paired with a host interface'],
                'es': ['curl_lonely no tiene una eth0 en par con una interfaz del host']}
LIVE_VETHS = {'en': ['curl_bridge eth0 is paired with veth1eb8e91 on docker0',
                     'curl_lonely eth0 is paired with veth60ce16a on br-f261f03768cc'],
              'es': ['la eth0 de curl_bridge forma par con veth1eb8e91 en docker0',
                     'la eth0 de curl_lonely forma par con veth60ce16a en br-f261f03768cc']}

NEW_CASES = [
    # users_file_owner.
    pytest.param(build(), LIVE, 'users_file_owner', 'pass', 'ev.file_owner', [LAB_FILE, 'UID 1234'],
                 {'en': ['no such user'], 'es': ['ningún usuario']}, id='file-owner-pass'),
    pytest.param(build('live_all_pass', file_seen(exists=False, error='No such file or directory')), LIVE,
                 'users_file_owner', 'fail', 'ev.file_missing', [LAB_FILE, 'No such file or directory'], FILE_MISSING,
                 id='file-missing'),
    pytest.param(build('recorded_host_ns'), SPECS['recorded_host_ns'], 'users_file_owner', 'fail', 'ev.file_missing',
                 ['/tmp/jt2_share_empty/written-by-uid-1234', 'No such file or directory'], FILE_MISSING,
                 id='recorded-file-missing-share-dir-empty'),
    pytest.param(build('live_all_pass', file_seen(uid=1000, user='student')), LIVE, 'users_file_owner', 'fail',
                 'ev.file_owner', [LAB_FILE, 'UID 1000', '(student)'], {}, id='file-owned-by-another-uid'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'users_file_owner', 'fail', 'ev.file_owner',
                 ['/tmp/jt2_share_other/written-by-uid-1234', 'UID 1000'], {},
                 id='recorded-file-written-by-uid-1000'),
    pytest.param(build(), make_spec(users={'uid': 1000}), 'users_file_owner', 'fail', 'ev.file_owner',
                 [LAB_FILE, 'UID 1234'], {}, id='spec-asks-1000-file-of-1234'),
    pytest.param(build('live_all_pass', file_seen(regular=False)), LIVE, 'users_file_owner', 'fail',
                 'ev.file_not_regular', [LAB_FILE], NOT_REGULAR, id='file-not-regular-right-uid'),
    pytest.param(build('recorded_refused'), SPECS['recorded_refused'], 'users_file_owner', 'fail',
                 'ev.file_not_regular', ['/tmp/jt2_share_link/written-by-uid-1234'], NOT_REGULAR,
                 id='recorded-file-a-symlink-owned-by-1234'),
    pytest.param(build('live_all_pass', no_share_dir), LIVE, 'users_file_owner', 'fail', 'ev.file_not_read', [],
                 {'en': ['share_dir is empty'], 'es': ['share_dir está vacío']}, id='share-dir-empty-not-read'),

    # users_pid_namespace.
    pytest.param(build(), LIVE, 'users_pid_namespace', 'pass', 'ev.pid_namespace',
                 ['lab_user_1234', '7384', '4026532559', '4026531836'], PID_NS, id='pid-namespace-pass'),
    pytest.param(build('live_all_pass', same_namespace_as_host('lab_user_1234', 'pid')), LIVE,
                 'users_pid_namespace', 'fail', 'ev.pid_namespace', ['lab_user_1234', '7384', '4026531836'], PID_NS,
                 id='pid-namespace-same-as-host'),
    pytest.param(build('live_all_pass', namespace('lab_user_1234', 'pid', None)), LIVE, 'users_pid_namespace',
                 'fail', 'ev.pid_namespace', ['lab_user_1234', '4026531836'],
                 {'en': ['PID namespace ?,'], 'es': ['namespace de PID ?,']}, id='pid-namespace-unreadable'),
    pytest.param(build('live_all_pass', namespace('host', 'pid', None)), LIVE, 'users_pid_namespace', 'fail',
                 'ev.pid_namespace', ['lab_user_1234', '4026532559'], {'en': ["the host's ?"], 'es': ['el del host ?']},
                 id='host-pid-namespace-unreadable'),
    pytest.param(build('live_all_pass', ns_pids('lab_user_1234', 7384)), LIVE, 'users_pid_namespace', 'fail',
                 'ev.no_pid_one', ['lab_user_1234', '7384'], NO_PID_ONE, id='no-ns-pid-1-process'),
    pytest.param(build('recorded_host_ns'), SPECS['recorded_host_ns'], 'users_pid_namespace', 'fail', 'ev.no_pid_one',
                 ['jt2_pid_host', '11828'], NO_PID_ONE, id='recorded-pid-host-no-pid-1'),
    pytest.param(build('live_all_pass', stopped('lab_user_1234')), LIVE, 'users_pid_namespace', 'fail',
                 'ev.not_running', ['lab_user_1234', 'exited'], NOT_RUNNING, id='pid-namespace-container-stopped'),
    pytest.param(build('live_all_pass', missing('lab_user_1234')), LIVE, 'users_pid_namespace', 'fail',
                 'ev.missing', ['lab_user_1234'], MISSING, id='pid-namespace-container-missing'),
    pytest.param(build('live_all_pass', processes_unreadable('lab_user_1234')), LIVE, 'users_pid_namespace', 'fail',
                 'ev.read_error', ['lab_user_1234', 'become: true'], {}, id='pid-namespace-processes-unreadable'),
    pytest.param(build('live_all_pass', no_process_left('lab_user_1234')), LIVE, 'users_pid_namespace', 'fail',
                 'ev.no_process', ['lab_user_1234'], {}, id='pid-namespace-no-process-left'),

    # nginx_own_netns.
    pytest.param(build(), LIVE, 'nginx_own_netns', 'pass', 'ev.net_namespace',
                 ['web_server', '4026532635', '4026531833'], NET_NS, id='own-netns-pass'),
    pytest.param(build('live_all_pass', same_namespace_as_host('web_server', 'net')), LIVE, 'nginx_own_netns', 'fail',
                 'ev.net_namespace', ['web_server', '4026531833, ', '4026531833'], NET_NS, id='netns-same-as-host'),
    pytest.param(build('recorded_host_ns'), SPECS['recorded_host_ns'], 'nginx_own_netns', 'fail', 'ev.net_namespace',
                 ['jt2_net_host', '4026531833, ', '4026531833'], NET_NS, id='recorded-network-host'),
    pytest.param(build('live_all_pass', namespace('web_server', 'net', None)), LIVE, 'nginx_own_netns', 'fail',
                 'ev.net_namespace', ['web_server', ' ?, ', '4026531833'], {}, id='netns-unreadable'),
    pytest.param(build('live_all_pass', namespace('host', 'net', None)), LIVE, 'nginx_own_netns', 'fail',
                 'ev.net_namespace', ['web_server', '4026532635'], {'en': ["the host's ?"], 'es': ['el del host ?']},
                 id='host-netns-unreadable'),
    pytest.param(build('live_all_pass', stopped('web_server')), LIVE, 'nginx_own_netns', 'fail', 'ev.not_running',
                 ['web_server'], NOT_RUNNING, id='own-netns-web-server-stopped'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'nginx_own_netns', 'fail', 'ev.missing',
                 ['jt2_missing'], MISSING, id='recorded-own-netns-container-missing'),

    # network_veth_pairs.
    pytest.param(build(), LIVE, 'network_veth_pairs', 'pass', 'list', ['; '], LIVE_VETHS, id='veth-pairs-pass'),
    pytest.param(build('live_all_pass', eth0_peer('curl_lonely', None)), LIVE, 'network_veth_pairs', 'fail', 'list',
                 ['veth1eb8e91'], VETH_MISSING, id='veth-no-eth0-peer-index'),
    pytest.param(build('live_all_pass', host_link(50)), LIVE, 'network_veth_pairs', 'fail', 'list', ['veth1eb8e91'],
                 VETH_MISSING, id='veth-peer-not-on-the-host'),
    pytest.param(build('live_all_pass', host_link(50, master='docker0')), LIVE, 'network_veth_pairs', 'fail', 'list',
                 [], {'en': ['curl_lonely eth0 is paired with veth60ce16a on docker0'],
                      'es': ['la eth0 de curl_lonely forma par con veth60ce16a en docker0']},
                 id='veth-lonely-peer-on-docker0'),
    pytest.param(build('live_all_pass', host_link(50, master='')), LIVE, 'network_veth_pairs', 'fail', 'list',
                 ['veth60ce16a', '?'], {'en': ['veth60ce16a on ?'], 'es': ['veth60ce16a en ?']},
                 id='veth-peer-on-no-bridge'),
    pytest.param(build('recorded_host_ns'), SPECS['recorded_host_ns'], 'network_veth_pairs', 'fail', 'list',
                 ['jt2_lonely_bridge', 'veth0576140', 'docker0', 'jt2_net_host'],
                 {'en': ['with eth0 on ?'], 'es': ['con eth0 en ?']},
                 id='recorded-lonely-on-docker0-and-client-on-host-network'),
    pytest.param(build('recorded_shapes'), SPECS['recorded_shapes'], 'network_veth_pairs', 'fail', 'list',
                 ['curl_lonely', 'br-f261f03768cc', 'jt2_both', 'docker0'], {},
                 id='recorded-both-clients-on-the-other-bridge'),
    pytest.param(build('live_all_pass', network_deleted(stale=True)), LIVE, 'network_veth_pairs', 'fail', 'list',
                 ['veth60ce16a', 'br-f261f03768cc'], {}, id='veth-lonely-network-deleted'),
    pytest.param(build('live_all_pass', stopped('curl_lonely')), LIVE, 'network_veth_pairs', 'fail', 'list',
                 ['veth1eb8e91', 'curl_lonely', 'exited'], NOT_RUNNING, id='veth-client-stopped'),
    pytest.param(build('live_all_pass', missing('curl_bridge')), LIVE, 'network_veth_pairs', 'fail', 'list',
                 ['curl_bridge', 'veth60ce16a'], MISSING, id='veth-client-missing'),
]


@pytest.mark.parametrize('obs, spec, oid, status, key, facts, words', NEW_CASES)
def test_new_outcome(obs, spec, oid, status, key, facts, words):
    results = scenarios.judge(obs, spec)
    check(results[oid], status, key, facts, words)


@pytest.mark.parametrize('edit, oid', [
    (file_seen(exists=False, error='No such file or directory'), 'users_file_owner'),
    (same_namespace_as_host('lab_user_1234', 'pid'), 'users_pid_namespace'),
    (same_namespace_as_host('web_server', 'net'), 'nginx_own_netns'),
    (host_link(48, master='br-f261f03768cc'), 'network_veth_pairs'),
])
def test_one_broken_part_fails_only_its_own_outcome(edit, oid):
    assert scenarios.failed(scenarios.judge(build('live_all_pass', edit), LIVE)) == [oid]


def test_evidence_is_json_friendly_after_a_round_trip():
    """lab_outcomes keep the rendered text; the evidence pairs themselves also survive JSON (lists for tuples)."""
    results = scenarios.judge(recorded('recorded_shapes'), SPECS['recorded_shapes'])
    assert json.loads(json.dumps(results))


@pytest.mark.parametrize('result, lonely, key', [
    ({'rc': 0, 'http_code': '200', 'time': '0.01'}, False, 'ev.curl_http'),
    ({'rc': 0, 'http_code': '200'}, True, 'ev.curl_not_isolated'),
    ({'rc': 28}, False, 'ev.curl_timeout'),
    ({'rc': 28}, True, 'ev.curl_timeout'),
    ({'rc': 7}, True, 'ev.curl_refused'),
    ({'rc': 7, 'stderr': 'curl: (7) Network is unreachable'}, False, 'ev.curl_refused'),
    ({'rc': 6, 'stderr': 'x'}, False, 'ev.curl_other'),
    ({'rc': None}, False, 'ev.curl_other'),
])
def test_curl_what(result, lonely, key):
    what = network.curl_what(result, lonely, 2)
    assert what[0] == key
    if result.get('stderr'):
        assert what[1]['stderr'] == result['stderr']
