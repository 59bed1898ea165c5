# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scratch scenario on observations recorded on a Docker-in-Docker VM (fixtures/observations/record_scratch.py):
every outcome, the faults the judges must tell apart (a veth left down, a process in the host's namespaces, a
limit that differs), the readers that never trust a file the lab did not write, and what lab_make is given."""

from __future__ import annotations

import copy
import json
import os
import struct

import pytest

from ansible_collections.microlab.docker_internals.plugins.filter.lab_containers import lab_scenario_plan
from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_explain, lab_make
from ansible_collections.microlab.docker_internals.plugins.module_utils import scenarios, scratch_host, scratch_view
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import scratch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')
OPTIONS = {'container': 'lab_scratch_limited'}
IMAGES = {'shell': 'microlab.local/lab-shell:bookworm', 'nginx': 'n', 'curl': 'c'}


def recorded(name):
    with open(os.path.join(HERE, name + '.json'), encoding='utf-8') as handle:
        return json.load(handle)


def judged(observation):
    return scratch.judge(observation, OPTIONS)


def said(result, lang='en'):
    return catalog.render(lang, result['evidence'])


def statuses(results):
    return dict((oid, result['status']) for oid, result in results.items())


def key(result):
    return result['evidence'][0]


# Demo mode, recorded --------------------------------------------------------------------------


def test_the_lab_as_made_passes_every_outcome_from_the_recorded_vm():
    observation = recorded('scratch_demo')
    results = judged(observation)
    assert statuses(results) == dict((oid, 'pass') for oid in scratch.OUTCOMES)
    pid = observation['scratch']['process']['pid']
    assert said(results['scratch_pid_one']).startswith('process %d is PID 1 of its own PID namespace (NSpid: %d 1;'
                                                       % (pid, pid))
    assert 'is called lab-scratch' in said(results['scratch_hostname'])
    assert 'it reaches 10.213.0.3 (echo reply), and not 10.213.0.4' in said(results['scratch_network'])
    assert '67108864' in said(results['scratch_memory'])
    assert 'es el PID 1 de su propio espacio de nombres' in said(results['scratch_pid_one'], 'es')


def test_the_recorded_process_was_seen_from_the_host_only():
    process = recorded('scratch_demo')['scratch']['process']
    host = recorded('scratch_demo')['scratch']['host']
    assert process['nspid'][-1] == 1 and process['nspid'][0] == process['pid']
    assert all(process['ns'][kind] != host['ns'][kind] for kind in scratch_view.NAMESPACES)
    assert process['same_root'] is True


def test_a_veth_left_down_fails_the_network_and_names_it():
    results = judged(recorded('scratch_veth_down'))
    assert results['scratch_network']['status'] == 'fail'
    assert key(results['scratch_network']) == 'ev.scratch_link_down'
    assert said(results['scratch_network']) == ("interface mlscr-peer (the peer namespace's side) is down: ip link "
                                                'shows it without UP')
    assert 'mlscr-peer (lado del espacio de nombres vecino) está abajo' in said(results['scratch_network'], 'es')
    assert statuses(results)['scratch_pid_one'] == 'pass'


def test_a_process_in_the_hosts_namespaces_is_told_apart():
    results = judged(recorded('scratch_host_pid'))
    assert key(results['scratch_pid_one']) == 'ev.scratch_host_pid_ns'
    assert key(results['scratch_hostname']) == 'ev.scratch_host_uts_ns'
    assert key(results['scratch_network']) == 'ev.scratch_host_net_ns'
    assert results['scratch_rootfs']['status'] == 'pass'  # chrooted all the same
    assert 'cannot be PID 1' in said(results['scratch_pid_one'])


# Faults made from the recording ---------------------------------------------------------------


def changed(**parts):
    observation = copy.deepcopy(recorded('scratch_demo'))
    for path, value in parts.items():
        where = observation['scratch']
        names = path.split('__')
        for name in names[:-1]:
            where = where[name]
        where[names[-1]] = value
    return observation


def test_no_process_fails_every_outcome_with_one_reason():
    results = judged(changed(process={'error': 'gone'}))
    assert set(key(result) for result in results.values()) == {'ev.scratch_no_process'}


def test_a_pid_namespace_of_its_own_is_not_enough_without_being_pid_one():
    results = judged(changed(process__nspid=[4242, 7]))
    assert key(results['scratch_pid_one']) == 'ev.scratch_not_one'


def test_another_root_fails_the_rootfs():
    results = judged(changed(process__same_root=False))
    assert key(results['scratch_rootfs']) == 'ev.scratch_other_root'


def test_the_hosts_own_name_is_not_a_hostname_of_its_own():
    observation = recorded('scratch_demo')
    results = judged(changed(host__hostname=observation['scratch']['process']['hostname']))
    assert results['scratch_hostname']['status'] == 'fail'


@pytest.mark.parametrize('peer, alone, wanted', [
    (False, False, 'ev.scratch_peer_unreached'),
    (True, True, 'ev.scratch_alone_reached'),
    ('Operation not permitted', False, 'ev.read_error'),
])
def test_the_echo_replies_decide_the_network(peer, alone, wanted):
    results = judged(changed(reach={'peer': peer, 'alone': alone}))
    assert key(results['scratch_network']) == wanted


def test_the_lone_veth_on_the_bridge_is_a_fault():
    observation = copy.deepcopy(recorded('scratch_demo'))
    for link in observation['scratch']['network']['host']:
        if link['name'] == 'mlscr-alone':
            link['master'] = scratch_host.BRIDGE
    assert key(judged(observation)['scratch_network']) == 'ev.scratch_link_on_bridge'


@pytest.mark.parametrize('part, value, wanted', [
    ('limit', '134217728', 'ev.scratch_limit'),
    ('process_cgroup', '/elsewhere', 'ev.scratch_not_in_cgroup'),
    ('container_limit', 'max', 'ev.scratch_container_limit'),
])
def test_the_memory_limits_must_agree(part, value, wanted):
    results = judged(changed(**{'cgroup__' + part: value}))
    assert key(results['scratch_memory']) == wanted


def test_a_missing_limited_container_fails_the_memory_only():
    observation = copy.deepcopy(recorded('scratch_demo'))
    observation['containers'] = {}
    results = judged(observation)
    assert key(results['scratch_memory']) == 'ev.missing'
    assert results['scratch_pid_one']['status'] == 'pass'


@pytest.mark.parametrize('lang', ['es', 'en'])
def test_the_explanation_is_said_in_each_language(lang):
    observation = recorded('scratch_demo')
    text = lab_explain.explain(lang, 'scratch', scenarios.default_spec(), observation, judged(observation), IMAGES)
    assert scratch_host.ROOTFS in text and 'unshare --pid --mount --uts --net --fork' in text
    assert 'PID=%d' % observation['scratch']['process']['pid'] in text


# Pure parts of the maker and the readers --------------------------------------------------------


def link(name, up=True, master='', alias='', addresses=()):
    return {'name': name, 'up': up, 'master': master, 'alias': alias, 'kind': '', 'addresses': list(addresses)}


def made():
    host = [link(scratch_host.BRIDGE, alias=scratch_host.LINK_MARK)]
    inside = {}
    for place, end, _name, address in scratch_host.PLACES:
        host.append(link(end, master=scratch_host.BRIDGE if place in scratch_host.ON_BRIDGE else '',
                         alias=scratch_host.LINK_MARK))
        inside[place] = [link('lo', up=False), link('eth0', addresses=['%s/24' % address])]
    return host, inside


def test_the_network_as_made_has_no_fault_and_each_change_is_one():
    host, inside = made()
    assert scratch_host.network_faults(host, inside) == []
    host[0]['up'] = False
    inside['alone'][1]['addresses'] = []
    assert scratch_host.network_faults(host, inside) == [('down', 'bridge', 'mlscratch0'),
                                                         ('address', 'alone', 'eth0')]
    assert scratch_host.network_faults([], {})[0] == ('missing', 'bridge', 'mlscratch0')


def test_links_of_the_labs_names_without_its_mark_are_somebody_elses():
    host, _inside = made()
    host[1]['alias'] = ''
    assert scratch_host.theirs(host + [link('eth0')]) == ['mlscr-self']


def test_ip_json_is_reduced_to_what_is_judged():
    view = scratch_host.link_view({'ifname': 'eth0', 'flags': ['BROADCAST', 'UP'], 'master': 'br', 'ifalias': 'x',
                                   'linkinfo': {'info_kind': 'veth'},
                                   'addr_info': [{'family': 'inet', 'local': '10.213.0.2', 'prefixlen': 24},
                                                 {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64}]})
    assert view == {'name': 'eth0', 'up': True, 'master': 'br', 'alias': 'x', 'kind': 'veth',
                    'addresses': ['10.213.0.2/24']}


def test_ip_runs_on_the_host_in_a_named_namespace_or_in_a_processs():
    assert scratch_host.ip_argv(None, 'link') == ['ip', 'link']
    assert scratch_host.ip_argv('mlscratch-peer', 'link') == ['ip', '-n', 'mlscratch-peer', 'link']
    assert scratch_host.ip_argv(42, 'link') == ['nsenter', '--target', '42', '--net', '--', 'ip', 'link']


def test_the_state_file_is_typed_and_never_read_through_a_link(tmp_path):
    good = tmp_path / 'state.json'
    good.write_text(json.dumps({'pid': 42, 'start': 7, 'cgroup': '/a/microlab-scratch', 'unshare': True,
                                'netns': ['mlscratch-peer', '../etc']}))
    wanted = {'pid': 42, 'start': 7, 'cgroup': '/a/microlab-scratch', 'netns': ['mlscratch-peer']}
    assert scratch_host.read_state(str(good)) == wanted
    (tmp_path / 'link.json').symlink_to(good)
    assert scratch_host.read_state(str(tmp_path / 'link.json')) == {}
    good.write_text(json.dumps({'pid': '42', 'cgroup': '/a/../b'}))
    assert scratch_host.read_state(str(good)) == {'netns': []}


def fake_process(tmp_path, pid, stat_line, cgroup):
    where = tmp_path / str(pid)
    where.mkdir()
    (where / 'stat').write_text(stat_line)
    (where / 'cgroup').write_text(cgroup)
    return str(tmp_path)


def test_the_lab_process_is_the_recorded_start_time_and_still_sleep(tmp_path):
    fields = ' '.join(['S', '41'] + ['0'] * 17 + ['777'] + ['0'] * 10)
    proc = fake_process(tmp_path, 42, '42 (sleep) %s\n' % fields, '')
    fake_process(tmp_path, 41, '41 (unshare) %s\n' % fields, '')
    assert scratch_host.is_lab_process({'pid': 42, 'start': 777, 'unshare': 41}, proc)
    assert not scratch_host.is_lab_process({'pid': 42, 'start': 778, 'unshare': 41}, proc)  # the PID was reused
    assert not scratch_host.is_lab_process({'pid': 43, 'start': 777, 'unshare': 41}, proc)
    assert not scratch_host.stop_process({'pid': 42, 'start': 778, 'unshare': 41}, proc)   # never signalled


def test_the_memory_cgroup_of_a_process_in_each_version(tmp_path):
    proc = fake_process(tmp_path, 9, '', '12:pids:/x\n4:memory:/docker/vm/microlab-scratch\n0::/init.scope\n')
    assert scratch_host.process_cgroup(9, 1, proc) == '/docker/vm/microlab-scratch'
    assert scratch_host.process_cgroup(9, 2, proc) == '/init.scope'
    assert scratch_host.lab_cgroup(1, '/docker/vm') == '/docker/vm/microlab-scratch'
    assert scratch_host.lab_cgroup(2, '/init.scope') == '/microlab-scratch'
    assert scratch_host.lab_cgroup(2, '/') == '/microlab-scratch'


def test_an_echo_request_has_a_valid_checksum_and_only_its_reply_counts():
    request = scratch_view.echo_request(0x1234, 1)
    assert scratch_view.checksum(request) == 0
    header = bytes([0x45]) + bytes(11) + bytes([10, 213, 0, 3]) + bytes(4)
    reply = header + struct.pack('!BBHHH', 0, 0, 0, 0x1234, 1)
    assert scratch_view.is_reply(reply, '10.213.0.3', 0x1234)
    assert not scratch_view.is_reply(reply, '10.213.0.4', 0x1234)
    assert not scratch_view.is_reply(reply, '10.213.0.3', 0x1235)
    assert not scratch_view.is_reply(header + struct.pack('!BBHHH', 8, 0, 0, 0x1234, 1), '10.213.0.3', 0x1234)


# What lab_make is given and does ---------------------------------------------------------------


def test_the_plan_gives_lab_make_the_image_to_export_and_the_limited_container():
    plan = lab_scenario_plan({'scratch': dict(OPTIONS, language='en', fail_on_outcome=True)}, IMAGES)
    assert plan['outside'] == {'scratch': {'image': IMAGES['shell']}}
    assert plan['containers'][0]['memory'] == scratch_host.MEMORY
    assert lab_make.create_body(dict(plan['containers'][0], labels={}))['HostConfig']['Memory'] == 64 * 1024 * 1024
    other = lab_scenario_plan({'overlay': {'container': 'a', 'twin_container': 'b'}}, IMAGES)
    assert other['outside'] == {}


class FakeAPI:
    def __init__(self, containers=()):
        self.containers = list(containers)

    def request(self, method, path, body=None):
        return 200, (self.containers if path.startswith('/containers') else [])

    def close(self):
        pass


def test_lab_make_asks_the_outside_part_first_and_makes_it_last(monkeypatch):
    calls = []

    def make(api_factory, spec, lang, check_mode=False):
        calls.append(check_mode)
        return ['process', 'network']
    monkeypatch.setattr(scratch_host, 'make', make)
    plan = {'containers': [], 'networks': [], 'directories': [], 'outside': {'scratch': {'image': 'i'}}}
    assert lab_make.make(FakeAPI, plan, 'en', check_mode=True)['outside'] == ['scratch: process', 'scratch: network']
    assert calls == [True]
    done = lab_make.make(FakeAPI, plan, 'en')
    assert calls == [True, True, False] and done['changed']


def test_lab_make_stops_before_any_change_when_a_link_is_not_the_labs(monkeypatch):
    def make(api_factory, spec, lang, check_mode=False):
        raise catalog.Refused(catalog.text(lang, 'err.link_not_lab', name='mlscratch0'))
    monkeypatch.setattr(scratch_host, 'make', make)
    plan = {'containers': [], 'networks': [], 'directories': [], 'outside': {'scratch': {'image': 'i'}}}
    with pytest.raises(lab_make.Refused, match='mlscratch0 ya existe|llamada mlscratch0'):
        lab_make.make(FakeAPI, plan, 'es')


def test_reset_removes_through_every_unit_that_makes_anything_outside(monkeypatch):
    for unit in scenarios.UNITS:
        if unit.OUTSIDE:
            monkeypatch.setattr(unit.OUTSIDE, 'remove', lambda check_mode=False, name=unit.NAME: [name] if check_mode else [])
    assert scenarios.remove_outside(check_mode=True) == ['overlay: overlay', 'scratch: scratch']
    assert scenarios.remove_outside() == []


def test_check_mode_on_a_fresh_vm_says_every_part_and_runs_nothing(monkeypatch):
    """No state, no link, no image yet (bad input's check-mode runs): every part is due, nothing is run or made."""
    def missing(api, image):
        raise scratch_host.DockerAPIError('image %s: No such image' % image)
    monkeypatch.setattr(scratch_host, 'read_state', dict)
    monkeypatch.setattr(scratch_host, 'links', lambda where=None: [])
    monkeypatch.setattr(scratch_host, 'named_netns', list)
    monkeypatch.setattr(scratch_host, 'image_id', missing)
    monkeypatch.setattr(scratch_host, 'run', lambda argv, timeout=30: pytest.fail('ran %s' % argv))
    assert scratch_host.make(FakeAPI, {'image': IMAGES['shell']}, 'en', check_mode=True) == [
        'rootfs', 'process', 'links', 'cgroup']


def test_a_named_namespace_the_lab_did_not_record_is_refused_before_anything(monkeypatch):
    monkeypatch.setattr(scratch_host, 'read_state', lambda: {'netns': []})
    monkeypatch.setattr(scratch_host, 'links', lambda where=None: [])
    monkeypatch.setattr(scratch_host, 'named_netns', lambda: ['mlscratch-peer'])
    with pytest.raises(catalog.Refused, match='mlscratch-peer'):
        scratch_host.make(FakeAPI, {'image': IMAGES['shell']}, 'en', check_mode=True)


def test_the_bridge_left_down_is_named_as_the_bridge():
    observation = copy.deepcopy(recorded('scratch_demo'))
    for found in observation['scratch']['network']['host']:
        if found['name'] == scratch_host.BRIDGE:
            found['up'] = False
    result = judged(observation)['scratch_network']
    assert said(result) == 'interface mlscratch0 (the bridge) is down: ip link shows it without UP'
