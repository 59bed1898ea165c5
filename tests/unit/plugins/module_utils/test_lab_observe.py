# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_observe.observe with a fake Docker API and fake readers; the views on real `docker inspect` JSON.

fixtures/docker_inspect_live.json is the engine's inspect of the lab's containers and networks, recorded in the
same run as fixtures/observations/live_all_pass.json (record_observations.py).
"""

from __future__ import annotations

import copy
import http.client
import http.server
import json
import os
import threading
import urllib.request

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import firewall, lab_observe, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import users
from ansible_collections.microlab.docker_internals.plugins.module_utils import targets as target_utils
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
# The scenarios the live lab's recording (live_all_pass.json) was observed with.
ALL = ['users', 'nginx', 'network']
# A guard against a deadlock in a broken implementation, never an expectation on speed.
GUARD = 10
BRIDGE_ID = '32654a07cacd4e78c464099cbf057f16a709c4a3b42897541a7fedeaa59377c7'
LONELY_ID = 'f261f03768cc6a1f6e27a5cbb1e8bb82e3e2c58599454e7b124166d4a0a8edc4'


def spec(userns_remap=False):
    """The spec lab_observe observes with its defaults (the units' declarations)."""
    spec = scenarios.default_spec()
    spec['users']['userns_remap'] = userns_remap
    return spec


def _json(*parts):
    with open(os.path.join(FIXTURES, *parts)) as handle:
        return json.load(handle)


def inspected():
    return _json('docker_inspect_live.json')


def stop(data):
    """Inspect data of the same container once it exited."""
    data = copy.deepcopy(data)
    data['State'].update(Status='exited', Running=False, Pid=0, ExitCode=137)
    for net in data['NetworkSettings']['Networks'].values():
        net.update(IPAddress='', IPPrefixLen=0)
    return data


class FakeAPI(object):
    """version / inspect_container / list_networks / exec_run of docker_api.DockerAPI, from recorded data."""

    def __init__(self, containers=None, networks=None, down=None, exec_run=None):
        data = inspected()
        self.containers = data['containers'] if containers is None else containers
        self.networks = data['networks'] if networks is None else networks
        self.down = down
        self._exec_run = exec_run or (lambda container, argv: (0, '200 0.002', ''))
        self.links = {'curl_bridge': (0, '48\nlo UNKNOWN 127.0.0.1/8\neth0@if48  UP  172.17.0.10/16\n', ''),
                      'curl_lonely': (0, '50\n', '')}
        self.calls = []

    def version(self):
        self.calls.append('version')
        if self.down:
            raise self.down
        return {'Version': '20.10.24+dfsg1', 'ApiVersion': '1.41'}

    def inspect_container(self, name):
        self.calls.append(('inspect', name))
        return self.containers.get(name)

    def list_networks(self, names):
        self.calls.append(('networks', tuple(names)))
        return dict((name, self.networks.get(name)) for name in names)

    def exec_run(self, container, argv):
        """curl through the fake given; the interface listing (lab_observe.INTERFACES_ARGV) from self.links."""
        if argv == lab_observe.INTERFACES_ARGV:
            self.calls.append(('links', container))
            answer = self.links[container]
            if isinstance(answer, Exception):
                raise answer
            return answer
        self.calls.append(('exec', container))
        return self._exec_run(container, argv)


@pytest.fixture
def readers(monkeypatch):
    """Fake read_processes / read_sockets / http_get / read_namespaces / read_file_owner / host_links; what they
    were asked is in seen."""
    seen = {'processes': [], 'sockets': [], 'http': [], 'namespaces': [], 'files': [], 'firewall': 0}

    def read_processes(containers, names):
        seen['processes'].append(list(names))
        return dict((name, {'processes': [{'pid': c['pid']}]}) for name, c in containers.items()
                    if c and c['running'])

    def read_sockets(name, container):
        seen['sockets'].append((name, container and container['running']))
        return {'host': {'tcp_listen': []}}

    def http_get(url, timeout):
        seen['http'].append((url, timeout))
        return {'url': url, 'status': 200}

    def read_namespaces(containers):
        seen['namespaces'].append(sorted(name for name, c in containers.items() if c and c['running']))
        return {'host': {'pid': 1, 'net': 2}}

    def read_file_owner(path):
        seen['files'].append(path)
        return {'path': path, 'exists': False, 'error': 'No such file or directory'}

    def snapshot():
        seen['firewall'] += 1
        return {'iptables_save': '# snapshot %d' % seen['firewall'], 'errors': {}}

    monkeypatch.setattr(firewall, 'snapshot', snapshot)
    monkeypatch.setattr(lab_observe, 'read_namespaces', read_namespaces)
    monkeypatch.setattr(lab_observe, 'read_file_owner', read_file_owner)
    monkeypatch.setattr(lab_observe, 'host_links', lambda: {'48': {'name': 'veth1eb8e91', 'master': 'docker0'}})
    monkeypatch.setattr(lab_observe, 'read_processes', read_processes)
    monkeypatch.setattr(lab_observe, 'read_sockets', read_sockets)
    monkeypatch.setattr(lab_observe, 'http_get', http_get)
    return seen


# observe ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('error', [DockerAPIError('cannot reach the Docker engine at unix:///var/run/docker.sock'),
                                   PermissionError(13, 'Permission denied')])
def test_engine_down_records_only_the_engine(readers, error):
    api = FakeAPI(down=error)
    obs = scenarios.observe(spec(), ALL, api)
    assert obs == {'scenarios': ALL, 'engine': {'reachable': False, 'error': str(error)}}
    assert api.calls == ['version']
    assert readers == {'processes': [], 'sockets': [], 'http': [], 'namespaces': [], 'files': [], 'firewall': 0}


def test_an_engine_that_fails_while_listing_is_recorded_as_down(readers):
    api = FakeAPI()

    def broken(names):
        raise DockerAPIError('Docker engine at unix:///var/run/docker.sock answered 500 for network')
    api.list_networks = broken
    obs = scenarios.observe(spec(), ALL, api)
    assert obs['engine'] == {'reachable': False,
                             'error': 'Docker engine at unix:///var/run/docker.sock answered 500 for network'}
    assert 'probes' not in obs and readers['processes'] == []


def test_the_live_lab_observed_through_the_api_matches_the_recorded_observation(readers):
    obs = scenarios.observe(spec(), ALL, FakeAPI())
    recorded = _json('observations', 'live_all_pass.json')
    assert obs['engine'] == recorded['engine']
    assert obs['containers'] == recorded['containers']
    assert obs['networks'] == recorded['networks']
    assert sorted(obs) == sorted(recorded)
    assert obs['files'] == {'uid_file': {'path': recorded['files']['uid_file']['path'], 'exists': False,
                                         'error': 'No such file or directory'}}


def test_missing_containers_and_networks_are_none(readers):
    api = FakeAPI(containers={}, networks={'bridge': inspected()['networks']['bridge']})
    obs = scenarios.observe(spec(userns_remap=True), ALL, api)
    assert obs['containers'] == dict((name, None) for name in scenarios.container_names(spec(True), ALL))
    assert obs['networks']['lonely_curl'] is None and obs['networks']['bridge']['bridge'] == 'docker0'
    assert obs['processes'] == {}
    assert obs['http'] is None and readers['http'] == []
    assert readers['sockets'] == [('web_server', None)]
    # The clients are missing too: nothing runs in them.
    assert obs['probes'] == dict((client, {'ran': False, 'url': '', 'error': 'not running'})
                                 for client in ('curl_bridge', 'curl_lonely'))
    assert not [call for call in api.calls if call[0] in ('exec', 'links')]
    assert obs['interfaces'] == {} and readers['namespaces'] == [[]]


def test_probes_run_in_running_clients_only(readers):
    containers = inspected()['containers']
    containers['curl_bridge'] = stop(containers['curl_bridge'])
    api = FakeAPI(containers=containers, exec_run=lambda c, argv: (28, '000 2.003', 'curl: (28) timed out\n'))
    obs = scenarios.observe(spec(), ALL, api)
    assert [call for call in api.calls if call[0] == 'exec'] == [('exec', 'curl_lonely')]
    assert [call for call in api.calls if call[0] == 'links'] == [('links', 'curl_lonely')]
    assert obs['interfaces'] == {'curl_lonely': {'eth0_peer_index': 50, 'ip_brief': [], 'error': None}}
    assert obs['probes'] == {
        'curl_bridge': {'ran': False, 'url': 'http://172.17.0.8/', 'error': 'not running'},
        'curl_lonely': {'ran': True, 'url': 'http://172.17.0.8/', 'rc': 28, 'http_code': '000', 'time': '2.003',
                        'stderr': 'curl: (28) timed out'},
    }
    assert obs['containers']['curl_bridge']['running'] is False
    assert 'curl_bridge' not in obs['processes']


def test_a_stopped_server_leaves_the_clients_unprobed_and_nginx_unasked(readers):
    containers = inspected()['containers']
    containers['web_server'] = stop(containers['web_server'])
    api = FakeAPI(containers=containers)
    obs = scenarios.observe(spec(), ALL, api)
    assert obs['http'] is None and readers['http'] == []
    assert readers['sockets'] == [('web_server', False)]
    assert set(p['error'] for p in obs['probes'].values()) == {'no server IP'}
    assert not [call for call in api.calls if call[0] == 'exec']
    # The clients run: what they see of their own network is still read.
    assert sorted(obs['interfaces']) == ['curl_bridge', 'curl_lonely']


def test_probes_run_concurrently_with_each_other_and_with_the_rest(readers, monkeypatch):
    """Each fake curl waits until the other has started and until nginx was asked over HTTP: run one after the
    other, or after the rest, the first would see neither (and the guard would end the wait)."""
    started = dict((client, threading.Event()) for client in ('curl_bridge', 'curl_lonely'))
    asked = threading.Event()
    finished = []
    saw = {}

    def exec_run(client, argv):
        done_before_start = list(finished)
        started[client].set()
        other = [e for c, e in started.items() if c != client][0]
        saw[client] = (other.wait(GUARD), asked.wait(GUARD), done_before_start)
        finished.append(client)
        return (0, '200 0.001', '') if client == 'curl_bridge' else (28, '000 2.0', '')

    def http_get(url, timeout):
        asked.set()
        return {'url': url, 'status': 200}

    monkeypatch.setattr(lab_observe, 'http_get', http_get)
    obs = scenarios.observe(spec(), ALL, FakeAPI(exec_run=exec_run))
    assert saw == {'curl_bridge': (True, True, []), 'curl_lonely': (True, True, [])}
    assert sorted(finished) == ['curl_bridge', 'curl_lonely']
    assert obs['probes']['curl_bridge']['rc'] == 0 and obs['probes']['curl_lonely']['rc'] == 28


def test_the_probes_are_complete_when_observe_returns(readers, monkeypatch):
    gate = threading.Event()

    def exec_run(client, argv):
        gate.wait(GUARD)
        return (28, '000 2.0', '')

    def release(url, timeout):
        gate.set()
        return {'url': url, 'status': 200}

    monkeypatch.setattr(lab_observe, 'http_get', release)
    obs = scenarios.observe(spec(), ALL, FakeAPI(exec_run=exec_run))
    assert [p['ran'] for p in obs['probes'].values()] == [True, True]


def test_a_probe_that_cannot_exec_is_recorded_with_its_error(readers):
    def exec_run(client, argv):
        if client == 'curl_lonely':
            raise DockerAPIError("cannot exec in container 'curl_lonely' (409): container is paused")
        return (0, '200 0.001\n', '')
    obs = scenarios.observe(spec(), ALL, FakeAPI(exec_run=exec_run))
    assert obs['probes']['curl_lonely'] == {
        'ran': False, 'url': 'http://172.17.0.8/',
        'error': "cannot exec in container 'curl_lonely' (409): container is paused"}
    assert obs['probes']['curl_bridge'] == {'ran': True, 'url': 'http://172.17.0.8/', 'rc': 0, 'http_code': '200',
                                            'time': '0.001', 'stderr': ''}


@pytest.mark.parametrize('error', [http.client.BadStatusLine('garbage'), http.client.IncompleteRead(b'')])
def test_a_broken_exec_stream_is_recorded_not_lost_in_its_thread(readers, error):
    """DockerAPI._exec_start reads the exec stream with http.client directly; its errors are not OSErrors."""
    def exec_run(client, argv):
        raise error
    obs = scenarios.observe(spec(), ['network'], FakeAPI(exec_run=exec_run))
    assert [(p['ran'], p['error']) for p in obs['probes'].values()] == [(False, str(error))] * 2


def test_the_clients_run_curl_argv_on_the_servers_bridge_ip(readers):
    argvs = {}

    def exec_run(client, argv):
        argvs[client] = argv
        return (0, '', '')
    obs = scenarios.observe(spec(), ['network'], FakeAPI(exec_run=exec_run))
    assert argvs == {'curl_bridge': lab_observe.curl_argv('http://172.17.0.8/', 2),
                     'curl_lonely': lab_observe.curl_argv('http://172.17.0.8/', 2)}
    assert obs['probes']['curl_bridge']['http_code'] == '' and obs['probes']['curl_bridge']['time'] == ''


def test_nginx_is_asked_by_its_ip_and_port(readers):
    spec_8080 = spec()
    spec_8080['nginx'].update(port=8080, http_timeout=3)
    obs = scenarios.observe(spec_8080, ['nginx'], FakeAPI())
    assert readers['http'] == [('http://172.17.0.8:8080/', 3)]
    assert readers['sockets'] == [('web_server', True)]
    assert obs['http'] == {'url': 'http://172.17.0.8:8080/', 'status': 200}


def test_nginx_without_an_ip_is_not_asked(readers):
    containers = inspected()['containers']
    containers['web_server']['NetworkSettings']['Networks'] = {}
    obs = scenarios.observe(spec(), ['nginx'], FakeAPI(containers=containers))
    assert obs['http'] is None and readers['http'] == []


@pytest.mark.parametrize('asked, keys, names', [
    (['users'], ['containers', 'engine', 'files', 'namespaces', 'networks', 'processes',
                 'scenarios'], ['lab_user_root', 'lab_user_1234']),
    (['nginx'], ['containers', 'engine', 'http', 'namespaces', 'networks', 'processes',
                 'scenarios', 'sockets'], ['web_server']),
    (['network', 'users'], ['containers', 'engine', 'files', 'firewall', 'host_links', 'interfaces', 'namespaces',
                            'networks', 'probes', 'processes', 'scenarios'],
     ['lab_user_root', 'lab_user_1234', 'web_server', 'curl_bridge', 'curl_lonely']),
])
def test_only_the_scenarios_asked_are_observed(readers, asked, keys, names):
    api = FakeAPI()
    obs = scenarios.observe(spec(), asked, api)
    assert obs['scenarios'] == [s for s in ALL if s in asked]
    assert sorted(obs) == keys
    assert list(obs['containers']) == names
    assert readers['processes'] == [names]
    assert bool(obs.get('probes')) == ('network' in asked)
    assert list(obs['networks']) == (['bridge', 'lonely_curl'] if 'network' in asked else [])
    assert readers['files'] == (['/var/lib/microlab/users/written-by-uid-1234'] if 'users' in asked else [])
    assert readers['namespaces'] == [sorted(names)]


# Parts -----------------------------------------------------------------------------------------------------------

def test_curl_argv():
    assert lab_observe.curl_argv('http://172.17.0.8/', 2) == [
        'curl', '--silent', '--show-error', '--noproxy', '*', '--output', '/dev/null', '--write-out', '%{http_code} %{time_total}',
        '--max-time', '2', 'http://172.17.0.8/']


@pytest.mark.parametrize('userns_remap, asked, names', [
    (False, ALL, ['lab_user_root', 'lab_user_1234', 'web_server', 'curl_bridge', 'curl_lonely']),
    (True, ['users'], ['lab_user_root', 'lab_user_1234', 'lab_user_remapped']),
    (False, ['nginx', 'network'], ['web_server', 'curl_bridge', 'curl_lonely']),
    (False, [], []),
])
def test_container_names_in_order_without_duplicates(userns_remap, asked, names):
    assert scenarios.container_names(spec(userns_remap), asked) == names


@pytest.mark.parametrize('name, expected', [
    ('web_server', {'name': 'web_server', 'state': 'running', 'running': True, 'pid': 5640, 'user': '',
                    'image': 'microlab.local/lab-nginx:bookworm',
                    'networks': {'bridge': {'ip': '172.17.0.8', 'prefix': 16,
                                            'network_id': BRIDGE_ID}}}),
    ('lab_user_1234', {'name': 'lab_user_1234', 'state': 'running', 'running': True, 'user': '1234'}),
    ('curl_lonely', {'networks': {'lonely_curl': {'ip': '172.20.0.2', 'prefix': 16,
                                                  'network_id': LONELY_ID}}}),
])
def test_container_view_of_real_inspect_json(name, expected):
    data = inspected()['containers'][name]
    view = lab_observe.container_view(data)
    assert dict((key, view[key]) for key in expected) == expected
    assert view['id'] == data['Id'] and view['labels']['microlab.lab'] == 'docker_internals'


def test_container_view_of_a_stopped_container():
    view = lab_observe.container_view(stop(inspected()['containers']['curl_bridge']))
    assert (view['state'], view['running'], view['pid']) == ('exited', False, 0)
    assert view['networks']['bridge']['ip'] == ''
    assert lab_observe.bridge_ip(view) == '' and lab_observe.first_ip(view) == ''


def test_container_view_of_almost_nothing():
    assert lab_observe.container_view({}) == {'id': None, 'image_id': '', 'network_mode': '', 'ports': [],
                                              'name': '', 'state': None, 'running': False, 'pid': 0,
                                              'image': None, 'user': '', 'labels': {}, 'mounts': [], 'networks': {}}


def test_container_view_says_how_the_container_meets_the_host():
    view = lab_observe.container_view({'Image': 'sha256:abc', 'HostConfig': {
        'NetworkMode': 'host', 'PortBindings': {'80/tcp': [{'HostPort': '8080'}], '443/tcp': None}}})
    assert (view['image_id'], view['network_mode'], view['ports']) == ('sha256:abc', 'host', ['80/tcp'])


def test_ports_published_with_dash_capital_p_count():
    """`docker run -P` leaves PortBindings empty: the engine binds the exposed ports at start."""
    view = lab_observe.container_view({'HostConfig': {'PortBindings': {}, 'PublishAllPorts': True},
                                       'NetworkSettings': {'Ports': {'80/tcp': [{'HostIp': '0.0.0.0', 'HostPort': '32768'}],
                                                                     '443/tcp': None}}})
    assert view['ports'] == ['80/tcp']


@pytest.mark.parametrize('name, bridge, subnets, labels', [
    ('bridge', 'docker0', ['172.17.0.0/16'], {}),
    ('lonely_curl', 'br-f261f03768cc', ['172.20.0.0/16'],
     {'microlab.lab': 'docker_internals', 'microlab.lab.scenario': 'network'}),
])
def test_network_view_of_real_inspect_json(name, bridge, subnets, labels):
    view = lab_observe.network_view(inspected()['networks'][name])
    assert (view['name'], view['driver'], view['bridge'], view['subnets'], view['labels'], view['icc']) == (
        name, 'bridge', bridge, subnets, labels, True)


@pytest.mark.parametrize('text, expected', [
    ('2026-12-02T19:37:42.100838233Z', '2026-12-02T19:37:42Z'), ('2026-12-02T19:37:42Z', '2026-12-02T19:37:42Z'),
    ('2026-12-02T19:37:42+02:00', ''), ('yesterday', ''), (None, ''), (5, '')])
def test_utc_seconds(text, expected):
    assert lab_observe.utc_seconds(text) == expected


def test_network_view_icc_off_and_no_ipam():
    data = {'Id': 'abcdef0123456789', 'Name': 'n', 'Options': {'com.docker.network.bridge.enable_icc': 'false'}}
    assert lab_observe.network_view(data) == {'id': 'abcdef0123456789', 'name': 'n', 'driver': None, 'labels': {},
                                              'internal': False, 'created': '',
                                              'subnets': [], 'bridge': 'br-abcdef012345', 'icc': False}


@pytest.mark.parametrize('name, bridge, first', [
    ('web_server', '172.17.0.8', '172.17.0.8'),
    ('curl_lonely', '', '172.20.0.2'),
])
def test_bridge_ip_and_first_ip(name, bridge, first):
    view = lab_observe.container_view(inspected()['containers'][name])
    assert (lab_observe.bridge_ip(view), lab_observe.first_ip(view)) == (bridge, first)
    assert lab_observe.bridge_ip(None) == '' and lab_observe.first_ip(None) == ''


def test_read_processes_skips_stopped_and_records_errors(monkeypatch):
    def gather(targets):
        target = targets[0]
        if target['key'] == 'gone':
            raise target_utils.TargetError("container 'gone' has no process any more (pid 7): start it again")
        return {target['key']: {'processes': [{'pid': target['pid']}]}}

    monkeypatch.setattr(lab_observe.container_processes, 'gather', gather)
    containers = {'a': {'id': 'ia', 'pid': 5, 'running': True}, 'b': {'id': 'ib', 'pid': 0, 'running': False},
                  'gone': {'id': 'ig', 'pid': 7, 'running': True}, 'missing': None}
    assert lab_observe.read_processes(containers, ['a', 'b', 'gone', 'missing']) == {
        'a': {'processes': [{'pid': 5}]},
        'gone': {'error': "container 'gone' has no process any more (pid 7): start it again"}}


def test_read_sockets_reads_the_container_and_the_host_and_records_errors(monkeypatch):
    asked = []

    def gather(targets):
        target = targets[0]
        asked.append(target['key'])
        if target['key'] == 'host':
            raise PermissionError(13, 'Permission denied')
        return {target['key']: {'netns_inode': 1, 'tcp_listen': []}}

    monkeypatch.setattr(lab_observe.netns_sockets, 'gather', gather)
    out = lab_observe.read_sockets('web_server', {'id': 'i', 'pid': 5640, 'running': True})
    assert asked == ['web_server', 'host']
    assert out == {'container': {'netns_inode': 1, 'tcp_listen': []}, 'host': {'error': '[Errno 13] Permission denied'}}
    asked[:] = []
    assert list(lab_observe.read_sockets('web_server', None)) == ['host'] and asked == ['host']


@pytest.fixture
def server():
    """A local HTTP server answering 200 on / and 404 elsewhere."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == '/' else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize('path, status', [('/', 200), ('/missing', 404)])
def test_http_get_status(server, path, status):
    assert lab_observe.http_get(server + path, 5) == {'url': server + path, 'status': status}


def test_http_get_refused():
    probe = http.server.HTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler)
    url = 'http://127.0.0.1:%d/' % probe.server_address[1]
    probe.server_close()
    result = lab_observe.http_get(url, 5)
    assert result['url'] == url and result['status'] is None and 'refused' in result['error'].lower()


# The parts added with the errata: interfaces, host_links, namespaces, the uid file; http_get and proxies. ---------

@pytest.mark.parametrize('answer, expected', [
    ((0, '48\nlo UNKNOWN 127.0.0.1/8\neth0@if48   UP   172.17.0.10/16\n', ''),
     {'eth0_peer_index': 48, 'ip_brief': ['lo UNKNOWN 127.0.0.1/8', 'eth0@if48 UP 172.17.0.10/16'], 'error': None}),
    ((1, '', 'cat: /sys/class/net/eth0/iflink: No such file or directory\n'),
     {'eth0_peer_index': None, 'ip_brief': [], 'error': 'cat: /sys/class/net/eth0/iflink: No such file or directory'}),
    ((0, 'garbage\n', ''), {'eth0_peer_index': None, 'ip_brief': [], 'error': None}),
    (DockerAPIError("cannot exec in container 'curl_lonely' (409): container is paused"),
     {'error': "cannot exec in container 'curl_lonely' (409): container is paused"}),
    (http.client.IncompleteRead(b''), {'error': str(http.client.IncompleteRead(b''))}),
])
def test_interfaces_of_a_client(answer, expected):
    api = FakeAPI()
    api.links['curl_lonely'] = answer
    assert lab_observe.interfaces(api, 'curl_lonely') == expected


def test_a_broken_interface_listing_is_recorded_not_lost_in_its_thread(readers):
    api = FakeAPI()
    api.links['curl_bridge'] = http.client.BadStatusLine('garbage')
    obs = scenarios.observe(spec(), ['network'], api)
    assert obs['interfaces']['curl_bridge'] == {'error': str(http.client.BadStatusLine('garbage'))}
    assert obs['interfaces']['curl_lonely']['eth0_peer_index'] == 50


def _sysfs(root, name, index, master=None):
    os.makedirs(os.path.join(root, name))
    with open(os.path.join(root, name, 'ifindex'), 'w') as handle:
        handle.write('%s\n' % index)
    if master:
        os.symlink(os.path.join('..', master), os.path.join(root, name, 'master'))


def test_host_links_from_sysfs(tmp_path):
    root = str(tmp_path)
    _sysfs(root, 'docker0', 3)
    _sysfs(root, 'veth1eb8e91', 48, master='docker0')
    _sysfs(root, 'veth60ce16a', 50, master='br-f261f03768cc')
    _sysfs(root, 'broken', 'x')
    assert lab_observe.host_links(root) == {'3': {'name': 'docker0', 'master': ''},
                                            '48': {'name': 'veth1eb8e91', 'master': 'docker0'},
                                            '50': {'name': 'veth60ce16a', 'master': 'br-f261f03768cc'}}
    assert lab_observe.host_links(os.path.join(root, 'nowhere')) == {}


def test_read_namespaces_of_running_containers_and_the_host(monkeypatch):
    monkeypatch.setattr(lab_observe, '_inode', lambda path: {'/proc/5/ns/pid': 11, '/proc/5/ns/net': 12}.get(
        path, 'host:' + path))
    monkeypatch.setattr(lab_observe, 'host_ns_path', lambda kind: '/proc/1/ns/' + kind)
    containers = {'a': {'pid': 5, 'running': True}, 'b': {'pid': 0, 'running': False}, 'c': None}
    assert lab_observe.read_namespaces(containers) == {'host': {'pid': 'host:/proc/1/ns/pid',
                                                                'net': 'host:/proc/1/ns/net'},
                                                       'a': {'pid': 11, 'net': 12}}


def test_namespace_inode_of_this_process_and_of_none():
    assert lab_observe.namespace_inode(os.getpid(), 'net') == os.stat('/proc/self/ns/net').st_ino
    assert lab_observe.namespace_inode(0, 'pid') is None


def test_share_file():
    assert users.share_file('/var/lib/microlab/users', 1234) == '/var/lib/microlab/users/written-by-uid-1234'


def test_read_file_owner_of_a_regular_file(tmp_path):
    path = tmp_path / 'written-by-uid-1234'
    path.write_text('')
    found = lab_observe.read_file_owner(str(path))
    assert (found['path'], found['exists'], found['regular'], found['uid'], found['gid']) == (
        str(path), True, True, os.getuid(), os.getgid())
    assert 'error' not in found


def test_read_file_owner_does_not_follow_a_symlink(tmp_path, monkeypatch):
    target = tmp_path / 'target'
    target.write_text('')
    link = tmp_path / 'written-by-uid-1234'
    link.symlink_to(target)
    found = lab_observe.read_file_owner(str(link))
    assert found['exists'] is True and found['regular'] is False
    # A dangling link exists too: lstat does not look at what it points to.
    target.unlink()
    assert lab_observe.read_file_owner(str(link))['regular'] is False


def test_read_file_owner_of_a_missing_file(tmp_path):
    path = str(tmp_path / 'written-by-uid-1234')
    assert lab_observe.read_file_owner(path) == {'path': path, 'exists': False, 'error': 'No such file or directory'}


@pytest.mark.parametrize('uid, name, user', [(0, 'root', 'root'), (1234, None, None)])
def test_read_file_owner_names_the_uid_when_it_has_a_name(tmp_path, monkeypatch, uid, name, user):
    path = tmp_path / 'f'
    path.write_text('')

    def getpwuid(number):
        assert number == os.getuid()
        if name is None:
            raise KeyError(number)
        return type('pw', (), {'pw_name': name})()
    monkeypatch.setattr(lab_observe.pwd, 'getpwuid', getpwuid)
    assert lab_observe.read_file_owner(str(path))['user'] == user


def test_observe_reads_no_file_without_a_share_dir(readers):
    no_share = spec()
    no_share['users']['share_dir'] = ''
    obs = scenarios.observe(no_share, ['users'], FakeAPI())
    assert 'files' not in obs and readers['files'] == []


@pytest.fixture
def proxy():
    """An HTTP proxy that answers 502 to everything and counts what it was asked."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(502)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % httpd.server_address[1], asked
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize('variable', ['http_proxy', 'HTTP_PROXY'])
def test_http_get_never_goes_through_a_proxy(server, proxy, monkeypatch, variable):
    """A GET by a container's IP from the VM must reach the container, whatever proxy the environment names."""
    url, asked = proxy
    for name in ('no_proxy', 'NO_PROXY', 'http_proxy', 'HTTP_PROXY'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, url)
    # urlopen's opener reads the environment once: forget one an earlier test may have built without the proxy.
    monkeypatch.setattr(urllib.request, '_opener', None)
    assert lab_observe.http_get(server + '/', 5) == {'url': server + '/', 'status': 200}
    assert asked == []


def test_the_firewall_is_read_before_the_probes_start_and_after_they_end(readers):
    """Two snapshots frame the probes, so the drop rule's counter moves between them (firewall.find_drop)."""
    obs = scenarios.observe(spec(), ['network'], FakeAPI())
    assert obs['firewall'] == {'before': {'iptables_save': '# snapshot 1', 'errors': {}},
                               'after': {'iptables_save': '# snapshot 2', 'errors': {}}}


def test_the_firewall_is_not_read_without_the_network_scenario(readers):
    assert 'firewall' not in scenarios.observe(spec(), ['users', 'nginx'], FakeAPI()) and readers['firewall'] == 0
