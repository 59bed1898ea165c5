# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode's steps: observation -> judgement, hints, solve plans, the progress history."""

from __future__ import annotations

import copy
import json
import os
import stat

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_steps, scratch_challenge
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import observe as challenge_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import probe, readers, verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import network, overlay

CONFIG = lab_steps.make_config({'images': {'shell': 'microlab.local/lab-shell:bookworm',
                                           'nginx': 'microlab.local/lab-nginx:bookworm',
                                           'curl': 'microlab.local/lab-curl:bookworm'},
                                'image_ids': {'curl': 'sha256:c0c0'}})
LAB = {'microlab.lab': 'docker_internals'}
SERVER_IP = '172.17.0.4'
NGINX_PAGE = '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n'


def container(name, pid=100, running=True, networks=('bridge',), image='img', labels=None, ip_base='172.17.0.',
              network_mode='default', ports=()):
    nets = dict((net, {'ip': '%s%d' % (ip_base if net == 'bridge' else '172.18.0.', pid % 200 + 2), 'prefix': 16,
                       'network_id': net}) for net in networks)
    return {'id': name + '-id', 'image_id': 'sha256:' + image, 'network_mode': network_mode, 'ports': list(ports),
            'name': name, 'state': 'running' if running else 'exited', 'running': running,
            'pid': pid if running else 0, 'image': image, 'user': '', 'labels': labels or {}, 'networks': nets}


def procs(*uids, args='sleep 500'):
    return {'processes': [{'pid': 100 + i, 'command': args.split()[0], 'args': args, 'host_uid': uid,
                           'host_user': 'root' if uid == 0 else None} for i, uid in enumerate(uids)]}


def listen(port, address='0.0.0.0'):
    return {'address': address, 'port': port, 'name': None, 'pid': None}


def run(name, image, cmd, networks, exit_code=0, output='', host_uids=(0,), entrypoint=(), labels_lab=False,
        at='2026-12-02T19:10:00Z'):
    """One recorded run as lab_recorder keeps it."""
    return {'id': name * 4, 'name': name, 'image': image, 'image_id': 'sha256:' + image, 'user': '',
            'cmd': list(cmd), 'entrypoint': list(entrypoint),
            'network_mode': 'bridge' if list(networks) == ['bridge'] else list(networks)[0],
            'networks': dict((net, {'ip': ip, 'prefix': 16, 'gateway': ip.rsplit('.', 1)[0] + '.1'})
                             for net, ip in networks.items()),
            'ports': [], 'auto_remove': True, 'labels_lab': labels_lab, 'probe': False,
            'created_at': at, 'started_at': at, 'ended_at': None if exit_code is None else at,
            'exit_code': exit_code, 'host_uids': list(host_uids), 'pid': 4242, 'output': output,
            'output_truncated': False}


def ip_a(ip):
    return ('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    inet 127.0.0.1/8 scope host lo\n'
            '2: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n'
            '    inet %s/16 brd %s.255.255 scope global eth0\n' % (ip, ip.rsplit('.', 2)[0]))


FILES_DIR = '/srv/lab_files'


def permissions(owned=(), opened=(), checks=None, owner=1234):
    """The files scenario's part of an observation: owned/ of UID owner (mode 0755) with files (name, uid),
    open/ with files, and the host's answer for each container with owned/ bind-mounted."""
    def listing(where, found):
        return {'path': '%s/%s' % (FILES_DIR, where),
                'files': [{'name': name, 'uid': uid, 'regular': True} for name, uid in found]}
    return {'owned': listing('owned', owned), 'open': listing('open', opened),
            'owned_dir': {'path': FILES_DIR + '/owned', 'uid': owner, 'gid': owner, 'mode': '0755',
                          'directory': True},
            'checks': checks or {}}


def refusal(uid=4321, errno='EACCES', method='mode'):
    """write_access.may_write's answer for a container process of UID uid (GID 0, as docker run --user gives)."""
    return {'path': FILES_DIR + '/owned', 'uid': uid, 'gid': 0, 'groups': [0], 'owner': 1234, 'group': 1234,
            'mode': '0755', 'errno': errno, 'method': method}


NO_FILES_DIR = {'owned': {'path': FILES_DIR + '/owned', 'error': 'No such file or directory'},
                'open': {'path': FILES_DIR + '/open', 'error': 'No such file or directory'},
                'owned_dir': {'path': FILES_DIR + '/owned', 'error': 'No such file or directory'}, 'checks': {}}


def chapter_runs():
    """The chapter's commands as typed, recorded (lab-shell for ubuntu, lab-curl for curlimages/curl...)."""
    return [
        run('quirky_bell', 'ubuntu', ['sleep', '500'], {'bridge': '172.17.0.2'}, exit_code=None),
        run('eager_hopper', 'ubuntu', ['sleep', '500'], {'bridge': '172.17.0.3'}, exit_code=None, host_uids=(1234,)),
        run('web_server', 'nginx', ['nginx', '-g', 'daemon off;'], {'bridge': SERVER_IP}, exit_code=None,
            host_uids=(0, 101)),
        run('sad_curie', 'curlimages/curl', ['--silent', SERVER_IP], {'bridge': '172.17.0.5'}, entrypoint=['curl'],
            output=NGINX_PAGE, host_uids=(100,)),
        run('lucid_knuth', 'curlimages/curl', ['-v', '-m', '5', SERVER_IP], {'lonely_curl': '172.18.0.2'}, exit_code=28,
            entrypoint=['curl'], host_uids=(100,),
            output='*   Trying %s:80...\n* Connection timed out after 5001 milliseconds\ncurl: (28) Connection '
                   'timed out after 5001 milliseconds\n' % SERVER_IP),
        run('bold_hertz', 'wbitt/network-multitool', ['ip', 'a'], {'bridge': '172.17.0.6'}, output=ip_a('172.17.0.6')),
        run('calm_noyce', 'wbitt/network-multitool', ['ip', 'a'], {'lonely_curl': '172.18.0.3'},
            output=ip_a('172.18.0.3')),
    ]


NETWORKS = {
    'bridge': {'id': 'b', 'name': 'bridge', 'driver': 'bridge', 'internal': False, 'labels': {},
               'subnets': ['172.17.0.0/16'], 'bridge': 'docker0', 'icc': True},
    'lonely_curl': {'id': 'l', 'name': 'lonely_curl', 'driver': 'bridge', 'internal': False, 'labels': {},
                    'subnets': ['172.18.0.0/16'], 'bridge': 'br-1234', 'icc': True, 'created': '2026-12-02T19:05:00Z'},
}


def probe_result(rc, code=None):
    return {'ran': True, 'url': 'http://%s:80/' % SERVER_IP, 'rc': rc, 'http_code': code or ('200' if rc == 0 else '000'),
            'time': '0.01' if rc == 0 else '2.0', 'stderr': '' if rc == 0 else 'curl: (%d) ...' % rc}


def overlay_part(name, mount_point='/tmp/ov/merged'):
    """The overlay steps done: the recorded writer's layers and changes (overlay_challenge.json) as container
    name's, and an overlay mounted on the host at mount_point."""
    with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'observations', 'overlay_challenge.json'),
              encoding='utf-8') as handle:
        recorded = json.load(handle)['overlay']
    mount = dict(recorded['host_mounts'][-1], mount_point=mount_point)
    return {'storage': recorded['storage'], 'containers': {name: recorded['containers']['overlay_rec_writer']},
            'host_mounts': [mount]}


def scratch_part(owner='student'):
    """The scratch steps done: the recorded exported directory and the probe's processes rooted there
    (scratch_challenge.json), as the student's directory or as the one `lab solve` exports."""
    with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'observations', 'scratch_challenge.json'),
              encoding='utf-8') as handle:
        recorded = json.load(handle)
    dirs = {'student': recorded['dirs']['student'], 'lab': {'path': scratch_challenge.SOLVE_ROOTFS, 'kind': 'missing'}}
    if owner == 'lab':
        dirs = {'student': {'path': scratch_challenge.STUDENT_ROOTFS, 'kind': 'missing'},
                'lab': dict(recorded['dirs']['student'], path=scratch_challenge.SOLVE_ROOTFS)}
    with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'observations', 'scratch_challenge_steps.json'),
              encoding='utf-8') as handle:
        steps = json.load(handle)
    first, rest = recorded['probe_output'].split('\n', 1)  # the unshared process's line, then its network's
    processes = scratch_challenge.parse_probe(first + '\n' + steps['net_line'] + '\n' + rest, recorded['probe_keys'])
    for process in processes:
        process['cgroup'] = steps['process_cgroups'][str(process['pid'])]
    return {'dirs': dirs, 'host': recorded['host'], 'processes': processes, 'cgroup': steps['cgroup']}


def chapter_done():
    """The observation at the end of the chapter as written, its sleep 500 still running.

    No container is left on lonely_curl (the chapter's curls ran with --rm): the lab's probe ran on the network.
    """
    containers = {
        'quirky_bell': container('quirky_bell', 100),
        'eager_hopper': container('eager_hopper', 101),
        'web_server': container('web_server', 202, image='nginx'),
        'stoic_other': container('stoic_other', 105),
    }
    return {
        'scenarios': [],
        'engine': {'reachable': True},
        'containers': containers,
        'networks': copy.deepcopy(NETWORKS),
        'runs': chapter_runs(),
        'processes': {'quirky_bell': procs(0), 'eager_hopper': procs(1234),
                      'web_server': procs(0, 101, args='nginx -g daemon off;'),
                      'stoic_other': procs(4321, args='sleep infinity')},
        'permissions': permissions(owned=[('written-by-1234', 1234)], opened=[('written-by-root', 0)],
                                   checks={'stoic_other': refusal()}),
        'sockets': {'container': {'netns_inode': 4026532300, 'tcp_listen': [listen(80), listen(80, '::')]},
                    'host': {'netns_inode': 4026531840, 'tcp_listen': [listen(22)]}},
        'http': {'url': 'http://%s:80/' % SERVER_IP, 'status': 200},
        'probe_clients': {'bridge': 'eager_hopper', 'lonely': ''},
        'probes': {'bridge': probe_result(0), 'lonely': probe_result(28)},
        # The overlay steps: the three changes made in web_server with docker exec, an overlay mounted by hand.
        'overlay': overlay_part('web_server'),
        # The scratch steps: the shell image exported to /var/tmp/rootfs, the reading's unshare chrooted there.
        'scratch': scratch_part(),
    }


def chapter_done_later():
    """The same, checked once at the end after sleep 500 ended: nothing but web_server runs."""
    observation = chapter_done()
    for name in ('quirky_bell', 'eager_hopper'):
        observation['containers'][name] = container(name, running=False)
        del observation['processes'][name]
    observation['probe_clients'] = {'bridge': '', 'lonely': ''}
    return observation


def clients_kept():
    """A student who kept a container running on each network (no recorded run needed)."""
    observation = chapter_done()
    observation['runs'] = []
    observation['containers']['a'] = container('a', 103)
    observation['containers']['b'] = container('b', 104, networks=('lonely_curl',))
    observation['processes'].update(a=procs(0), b=procs(1234))
    observation['probe_clients'] = {'bridge': 'a', 'lonely': 'b'}
    return observation


def statuses(observation, steps=lab_steps.STEP_IDS):
    return dict((step, result['status']) for step, result in lab_steps.judge(observation, CONFIG, steps).items())


def rendered(result, lang='en'):
    return catalog.render(lang, result['evidence'])


def judged(observation, step):
    return lab_steps.judge(observation, CONFIG, [step])[step]


# The chapter as written passes ------------------------------------------------------------------


@pytest.mark.parametrize('observation', [chapter_done(), chapter_done_later(), clients_kept()],
                         ids=['sleeps-running', 'sleeps-ended', 'clients-kept'])
def test_the_chapter_as_written_passes_every_step_as_the_students_own(observation):
    results = lab_steps.judge(observation, CONFIG)
    assert list(results) == list(lab_steps.STEP_IDS)
    assert dict((s, r['status']) for s, r in results.items()) == dict((s, 'pass') for s in lab_steps.STEP_IDS)
    assert not any(r['by_lab'] for r in results.values())
    assert lab_steps.next_step(results) is None
    for result in results.values():
        for lang in ('es', 'en'):
            assert '?' not in rendered(result, lang), rendered(result, lang)


def test_the_ended_sleeps_and_the_rm_commands_are_judged_from_their_runs():
    results = lab_steps.judge(chapter_done_later(), CONFIG)
    assert rendered(results['users_uid']) == ('eager_hopper (ubuntu: sleep 500), started 2026-12-02T19:10:00Z, ran '
                                              'as host UID 1234')
    assert rendered(results['network_lonely_timeout']) == (
        'lucid_knuth (curlimages/curl: curl -v -m 5 172.17.0.4), started 2026-12-02T19:10:00Z, on lonely_curl only: '
        'curl exit code 28 from 172.17.0.4')
    assert 'sad_curie' in rendered(results['network_bridge_200'])
    assert rendered(results['networks_differ']) == (
        '`ip a` in bold_hertz (wbitt/network-multitool), started 2026-12-02T19:10:00Z, showed 172.17.0.6 on bridge '
        '(subnet 172.17.0.0/16); `ip a` in calm_noyce (wbitt/network-multitool), started 2026-12-02T19:10:00Z, '
        'showed 172.18.0.3 on lonely_curl (subnet 172.18.0.0/16)')


def test_a_fresh_vm_fails_every_step_saying_what_is_missing():
    results = lab_steps.judge(fresh(), CONFIG)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert lab_steps.next_step(results) == 'users_root'
    assert rendered(results['users_root']) == 'no container is running: start one that stays up (docker ps lists none)'
    assert rendered(results['nginx_netns']) == 'web_server does not exist'
    assert rendered(results['network_created']) == 'there is no network called lonely_curl (docker network ls)'
    assert rendered(results['network_bridge_200']) == 'web_server does not exist'
    for result in results.values():  # every failure says something in both languages, never a placeholder
        for lang in ('es', 'en'):
            assert rendered(result, lang) and '?' not in rendered(result, lang)


@pytest.mark.parametrize('uids, root, uid', [
    ((0,), 'pass', 'fail'),
    ((1234,), 'fail', 'pass'),
    ((0, 33), 'fail', 'fail'),   # nginx: master root, workers www-data: not "runs as root" nor as 1234
    ((1234, 1234), 'fail', 'pass'),
])
def test_users_steps_take_any_container_whose_processes_all_run_as_the_uid(uids, root, uid):
    observation = {'engine': {'reachable': True}, 'containers': {'x': container('x')}, 'processes': {'x': procs(*uids)}}
    assert statuses(observation, ['users_root', 'users_uid']) == {'users_root': root, 'users_uid': uid}


@pytest.mark.parametrize('uids, root, uid', [
    ((0,), 'pass', 'fail'),
    ((1234,), 'fail', 'pass'),
    ((0, 101), 'fail', 'fail'),
    ((), 'fail', 'fail'),        # the recorder could not read them
])
def test_users_steps_take_a_recorded_run_whose_host_uids_were_the_uid(uids, root, uid):
    observation = {'engine': {'reachable': True}, 'containers': {},
                   'runs': [run('x', 'ubuntu', ['sleep', '500'], {'bridge': '172.17.0.2'}, host_uids=uids)]}
    assert statuses(observation, ['users_root', 'users_uid']) == {'users_root': root, 'users_uid': uid}


def test_users_failure_lists_what_runs():
    observation = {'engine': {'reachable': True}, 'containers': {'x': container('x')}, 'processes': {'x': procs(1000)}}
    text = rendered(lab_steps.judge(observation, CONFIG, ['users_uid'])['users_uid'])
    assert text.startswith('no running container has all its processes as host UID 1234: x pid 100')


def test_a_stopped_container_does_not_count():
    observation = {'engine': {'reachable': True}, 'containers': {'x': container('x', running=False)}, 'processes': {}}
    assert statuses(observation, ['users_root']) == {'users_root': 'fail'}


# Misunderstandings do not pass ------------------------------------------------------------------

NGINX_STEPS = ['nginx_netns', 'nginx_not_on_host', 'nginx_by_ip']


def test_nginx_listening_on_the_host_fails_not_on_host():
    observation = chapter_done()
    observation['sockets']['host']['tcp_listen'].append(listen(80))
    assert statuses(observation, NGINX_STEPS) == {'nginx_netns': 'pass', 'nginx_not_on_host': 'fail',
                                                  'nginx_by_ip': 'pass'}


def test_web_server_on_the_host_network_fails_the_nginx_steps_saying_why():
    observation = chapter_done()
    observation['containers']['web_server'] = container('web_server', 202, networks=('host',), network_mode='host')
    observation['containers']['web_server']['networks']['host']['ip'] = ''
    observation['sockets']['container'] = observation['sockets']['host']
    observation['sockets']['host']['tcp_listen'].append(listen(80))
    results = lab_steps.judge(observation, CONFIG, NGINX_STEPS)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert rendered(results['nginx_netns']).startswith('web_server runs with --network host: it shares the host')
    assert rendered(results['nginx_netns'], 'es').startswith('web_server corre con --network host')


@pytest.mark.parametrize('ports', [['80/tcp'], ['80/tcp', '443/tcp']], ids=['p-8080-80', 'p-80-and-443'])
def test_web_server_publishing_a_port_fails_not_on_host(ports):
    observation = chapter_done()
    observation['containers']['web_server']['ports'] = ports
    result = judged(observation, 'nginx_not_on_host')
    assert result['status'] == 'fail'
    assert rendered(result) == ('web_server publishes %s with -p: docker-proxy then listens for it on the host; run '
                                'it without -p' % ', '.join(ports))


@pytest.mark.parametrize('args', ['python3 -m http.server 80', 'sleep 500', 'busybox httpd -f -p 80'])
def test_web_server_that_is_not_nginx_fails_every_nginx_step(args):
    observation = chapter_done()
    observation['processes']['web_server'] = procs(0, args=args)
    if args.startswith('sleep'):
        observation['sockets']['container']['tcp_listen'] = []
    results = lab_steps.judge(observation, CONFIG, NGINX_STEPS)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert rendered(results['nginx_not_on_host']) == 'web_server runs %s, not nginx: start it from the nginx image' % (
        args.split()[0])


def test_web_server_whose_processes_cannot_be_seen_is_not_taken_for_nginx():
    observation = chapter_done()
    observation['processes']['web_server'] = {'processes': []}
    assert rendered(judged(observation, 'nginx_netns'), 'es') == (
        'web_server ejecuta ningún proceso, no nginx: inícienlo con la imagen de nginx')


def test_nginx_stopped_fails_all_three_steps():
    observation = chapter_done()
    observation['containers']['web_server'] = container('web_server', running=False)
    observation['sockets'] = {'host': {'netns_inode': 1, 'tcp_listen': []}}
    observation['http'] = None
    assert set(statuses(observation, NGINX_STEPS).values()) == {'fail'}


@pytest.mark.parametrize('lonely_rc, expected', [
    (0, 'HTTP 200: the networks are not isolated'),
    (7, 'could not connect (curl exit code 7'),
])
def test_a_lonely_curl_that_is_not_isolated_fails_the_timeout_step(lonely_rc, expected):
    observation = chapter_done_later()
    observation['probes']['lonely'] = probe_result(lonely_rc)
    observation['runs'][4]['exit_code'] = lonely_rc
    result = judged(observation, 'network_lonely_timeout')
    assert result['status'] == 'fail'
    assert rendered(result).startswith("the lab's curl on lonely_curl, GET http://172.17.0.4:80/: " + expected)


@pytest.mark.parametrize('rc', [7, 28], ids=['refused-at-once', 'timed-out-engine-20.10'])
def test_an_internal_network_fails_the_network_steps_saying_why(rc):
    observation = chapter_done_later()
    observation['networks']['lonely_curl']['internal'] = True
    observation['probes']['lonely'] = dict(probe_result(rc), stderr='curl: (7) Failed to connect: Network unreachable')
    observation['runs'][4].update(exit_code=rc)
    results = lab_steps.judge(observation, CONFIG, ['network_created', 'network_lonely_timeout', 'networks_differ'])
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert rendered(results['network_lonely_timeout']).startswith('lonely_curl was created with --internal')
    assert rendered(results['network_created'], 'es').startswith('lonely_curl se creó con --internal')


def test_runs_on_an_earlier_network_of_the_same_name_do_not_count():
    observation = chapter_done_later()
    observation['networks']['lonely_curl']['created'] = '2026-12-02T19:20:00Z'  # made again after the runs
    assert statuses(observation, ['network_lonely_timeout', 'networks_differ']) == {
        'network_lonely_timeout': 'fail', 'networks_differ': 'fail'}
    observation['networks']['lonely_curl']['created'] = '2026-12-02T19:10:00Z'  # the same second: it counts
    assert statuses(observation, ['network_lonely_timeout', 'networks_differ']) == {
        'network_lonely_timeout': 'pass', 'networks_differ': 'pass'}


def test_a_curl_container_also_on_the_bridge_is_not_the_lonely_one():
    observation = chapter_done_later()
    observation['runs'][4]['networks']['bridge'] = {'ip': '172.17.0.9', 'prefix': 16, 'gateway': '172.17.0.1'}
    result = judged(observation, 'network_lonely_timeout')
    assert result['status'] == 'fail'
    assert rendered(result).endswith("but you have not run it yourself: run curl to 172.17.0.4 from a container on "
                                     "lonely_curl only (the chapter's `docker run --rm ...` command)")


def test_a_live_container_on_both_networks_is_not_a_lonely_client():
    observation = chapter_done_later()
    observation['runs'] = []
    observation['containers']['both'] = container('both', 105, networks=('bridge', 'lonely_curl'))
    assert verdicts.live_client(observation['containers'], 'lonely_curl', CONFIG) == ''
    assert statuses(observation, ['network_lonely_timeout']) == {'network_lonely_timeout': 'fail'}


@pytest.mark.parametrize('driver', ['macvlan', 'ipvlan', 'overlay'])
def test_a_network_of_another_driver_fails_the_network_steps(driver):
    observation = chapter_done_later()
    observation['networks']['lonely_curl']['driver'] = driver
    results = lab_steps.judge(observation, CONFIG, ['network_created', 'network_lonely_timeout', 'networks_differ'])
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert rendered(results['network_created']) == (
        'lonely_curl uses the %s driver: only a bridge network counts (docker network create lonely_curl, whose '
        'default driver is bridge)' % driver)


@pytest.mark.parametrize('change', ['other_ip', 'no_page', 'exit_6'])
def test_a_recorded_bridge_curl_counts_only_to_web_servers_ip_with_nginxs_page(change):
    observation = chapter_done_later()
    bridge_run = observation['runs'][3]
    if change == 'other_ip':
        bridge_run['cmd'] = ['--silent', '172.17.0.44']
    elif change == 'no_page':
        bridge_run['output'] = 'hello from python'
    else:
        bridge_run.update(exit_code=6, output='curl: (6) Could not resolve host')
    assert statuses(observation, ['network_bridge_200']) == {'network_bridge_200': 'fail'}


def test_a_recorded_timeout_still_needs_lonely_curl_isolated_now():
    observation = chapter_done_later()
    observation['probes']['lonely'] = probe_result(0)  # connected to the bridge since
    assert statuses(observation, ['network_lonely_timeout']) == {'network_lonely_timeout': 'fail'}


def test_ip_a_outputs_must_show_the_runs_own_address_in_different_subnets():
    observation = chapter_done_later()
    observation['runs'][5]['output'] = 'inet 127.0.0.1/8 scope host lo\n'
    del observation['containers']['stoic_other']  # the files scenario's, on the bridge too
    result = judged(observation, 'networks_differ')
    assert result['status'] == 'fail'
    assert rendered(result).startswith('no container on bridge only has shown its address')


def test_networks_differ_needs_two_subnets():
    observation = clients_kept()
    observation['containers']['b']['networks'] = {'lonely_curl': {'ip': '172.17.0.99', 'prefix': 16,
                                                                  'network_id': 'l'}}
    assert statuses(observation, ['networks_differ']) == {'networks_differ': 'fail'}


def test_misunderstandings_say_why_without_placeholders():
    observation = chapter_done_later()
    observation['containers']['web_server'].update(network_mode='host', ports=['80/tcp'])
    observation['networks']['lonely_curl'].update(driver='macvlan', subnets=[], bridge='')
    observation['probes'] = {'bridge': {'ran': False, 'url': '', 'error': ''}, 'lonely': {}}
    for result in lab_steps.judge(observation, CONFIG).values():
        for lang in ('es', 'en'):
            assert '?' not in rendered(result, lang), rendered(result, lang)


def test_engine_down_fails_every_step_with_the_reason():
    results = lab_steps.judge({'engine': {'reachable': False, 'error': 'no socket'}}, CONFIG)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert 'no socket' in rendered(results['nginx_by_ip'])


# What the lab made is never the student's -------------------------------------------------------


def solved_by_the_lab():
    """What `lab solve networks_differ` leaves, and nothing of the student's."""
    observation = fresh()
    observation['containers'] = {
        'web_server': container('web_server', 202, image='nginx', labels=LAB),
        'curl_bridge': container('curl_bridge', 103, labels=LAB),
        'curl_lonely': container('curl_lonely', 104, networks=('lonely_curl',), labels=LAB),
        'lab_files_owner': container('lab_files_owner', 106, labels=LAB),
        'lab_files_other': container('lab_files_other', 107, labels=LAB),
        'lab_files_root': container('lab_files_root', 108, labels=LAB),
    }
    observation['permissions'] = permissions(owned=[('written-by-1234', 1234)], opened=[('written-by-root', 0)],
                                             checks={'lab_files_other': refusal()})
    observation['networks']['lonely_curl'] = dict(NETWORKS['lonely_curl'], labels=LAB)
    observation['processes'] = {'web_server': procs(0, 101, args='nginx -g daemon off;'),
                                'curl_bridge': procs(0, args='sleep infinity'),
                                'curl_lonely': procs(0, args='sleep infinity')}
    observation['sockets'] = chapter_done()['sockets']
    observation['http'] = chapter_done()['http']
    observation['probe_clients'] = {'bridge': 'curl_bridge', 'lonely': 'curl_lonely'}
    observation['probes'] = {'bridge': probe_result(0), 'lonely': probe_result(28)}
    observation['runs'] = [dict(run('curl_bridge', 'lab-curl', ['infinity'], {'bridge': '172.17.0.5'},
                                    exit_code=None), labels_lab=True)]
    observation['containers']['lab_overlay'] = container('lab_overlay', 106, labels=LAB)
    observation['overlay'] = overlay_part('lab_overlay', overlay.SOLVE_DIR + '/merged')
    observation['scratch'] = scratch_part('lab')
    return observation


def test_everything_solve_made_passes_as_solved_by_the_lab():
    results = lab_steps.judge(solved_by_the_lab(), CONFIG)
    assert results.pop('users_uid')['status'] == 'fail'  # nothing of the lab's runs as 1234
    assert dict((s, (r['status'], r['by_lab'])) for s, r in results.items()) == dict(
        (s, ('pass', True)) for s in results)


def test_users_root_is_not_credited_to_the_student_from_solves_containers():
    result = judged(solved_by_the_lab(), 'users_root')
    assert result['by_lab'] and rendered(result).endswith('(made by the lab with `lab solve`, not by you)')
    assert rendered(result, 'es').endswith('(lo hizo el laboratorio con `lab solve`, no ustedes)')


def test_the_students_own_container_is_credited_before_the_labs():
    observation = solved_by_the_lab()
    observation['containers']['mine'] = container('mine', 105)
    observation['processes']['mine'] = procs(0)
    result = judged(observation, 'users_root')
    assert (result['status'], result['by_lab']) == ('pass', False) and 'mine' in rendered(result)


def test_a_recorded_run_the_lab_made_is_never_the_students():
    observation = chapter_done_later()
    for recorded in observation['runs']:
        recorded['labels_lab'] = True
    results = lab_steps.judge(observation, CONFIG, ['users_root', 'users_uid', 'network_lonely_timeout',
                                                    'networks_differ'])
    assert set(r['status'] for r in results.values()) == {'fail'}


# The lab's probes: the lab's curl image by ID, in the client's netns, no proxy -------------------


def test_probe_argv_runs_the_labs_image_by_id_in_the_clients_netns_without_proxies():
    argv = probe.probe_argv(CONFIG, 'container:quirky_bell', 'http://172.17.0.4:80/')
    assert argv[:5] == ['docker', 'run', '--rm', '--network', 'container:quirky_bell']
    assert argv[argv.index('--entrypoint') + 1:argv.index('--entrypoint') + 3] == ['curl', 'sha256:c0c0']
    assert 'microlab.lab=docker_internals' in argv and 'microlab.lab.probe=true' in argv
    for variable in ('HTTP_PROXY', 'https_proxy', 'NO_PROXY', 'all_proxy'):
        assert argv[argv.index(variable + '=') - 1] == '--env'
    assert argv[argv.index('--noproxy') + 1] == '*' and argv[-1] == 'http://172.17.0.4:80/'
    assert 'exec' not in argv


def test_probe_falls_back_to_the_reference_when_no_id_was_recorded():
    config = lab_steps.make_config({'images': CONFIG['images']})
    assert config['images']['curl'] in probe.probe_argv(config, 'bridge', 'http://ip/')


class RecordingRunner(object):
    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __call__(self, argv):
        self.calls.append(argv)
        return self.answers[argv[4]]


def test_start_probes_join_a_live_client_else_run_on_the_network():
    observation = chapter_done()
    del observation['probe_clients'], observation['probes']
    runner = RecordingRunner({'container:eager_hopper': (0, '200 0.01', ''), 'lonely_curl': (28, '000 2.0', 'x')})
    results, threads = network.challenge_probes(observation, CONFIG, runner)
    for thread in threads:
        thread.join()
    assert observation['probe_clients'] == {'bridge': 'eager_hopper', 'lonely': ''}
    assert (results['bridge']['rc'], results['bridge']['http_code'], results['lonely']['rc']) == (0, '200', 28)
    assert sorted(call[4] for call in runner.calls) == ['container:eager_hopper', 'lonely_curl']


def test_no_probe_on_a_network_that_does_not_exist():
    observation = chapter_done_later()
    observation['networks']['lonely_curl'] = None
    results, threads = network.challenge_probes(observation, CONFIG, RecordingRunner({'bridge': (0, '200 0.1', '')}))
    for thread in threads:
        thread.join()
    assert results['lonely'] == {'ran': False, 'url': 'http://172.17.0.4:80/', 'error': 'no network'}


def test_live_client_prefers_the_students_and_never_the_server():
    containers = {'curl_bridge': container('curl_bridge', labels=LAB), 'z': container('z'),
                  'web_server': container('web_server'), 'stopped': container('stopped', running=False)}
    assert verdicts.live_client(containers, 'bridge', CONFIG) == 'z'
    del containers['z']
    assert verdicts.live_client(containers, 'bridge', CONFIG) == 'curl_bridge'


def test_probe_container_that_cannot_start_is_not_a_verdict():
    result = probe.probe(CONFIG, 'bridge', 'http://ip/', lambda argv: (125, '', 'no such image'))
    assert result == {'ran': False, 'url': 'http://ip/', 'error': 'no such image'}


# Processes and sockets from /proc, without root ------------------------------------------------


def fake_proc(tmp_path, processes):
    """A /proc with {pid: (cgroup, uid, cmdline)}."""
    for pid, (cgroup, uid, cmdline) in processes.items():
        folder = tmp_path / str(pid)
        folder.mkdir()
        (folder / 'cgroup').write_text(cgroup)
        (folder / 'status').write_text('Name:\t%s\nUid:\t%d\t%d\t%d\t%d\nGid:\t0\t0\t0\t0\nNSpid:\t%d\t1\n'
                                       % (cmdline.split()[0], uid, uid, uid, uid, pid))
        (folder / 'cmdline').write_bytes(cmdline.replace(' ', '\0').encode() + b'\0')
    return str(tmp_path)


def test_read_processes_groups_by_cgroup(tmp_path, monkeypatch):
    proc = fake_proc(tmp_path, {10: ('0::/docker/aaa\n', 0, 'nginx master'), 11: ('0::/docker/aaa\n', 33, 'nginx worker'),
                                20: ('0::/docker/bbb\n', 1234, 'sleep 500'), 30: ('0::/init.scope\n', 0, 'init')})
    real_entry = readers.container_processes.process_entry

    def entry(pid, uid_map, users, host_users):  # the real one reads the real /proc
        text = open('%s/%d/status' % (proc, pid)).read()
        uid = int(text.split('Uid:\t')[1].split('\t')[1])
        return {'pid': pid, 'host_uid': uid, 'args': open('%s/%d/cmdline' % (proc, pid)).read().replace('\0', ' ').strip(),
                'host_user': None}

    monkeypatch.setattr(readers.container_processes, 'process_entry', entry)
    found = readers.read_processes({'web': container('web', 10), 'sleepy': container('sleepy', 20),
                                    'gone': container('gone', running=False)}, proc)
    assert sorted(found) == ['sleepy', 'web']
    assert [p['host_uid'] for p in found['web']['processes']] == [0, 33]
    assert [p['args'] for p in found['sleepy']['processes']] == ['sleep 500']
    assert real_entry is not entry


def test_read_net_reads_listening_tcp_without_root(tmp_path, fixture_text):
    net = tmp_path / '42' / 'net'
    net.mkdir(parents=True)
    (net / 'tcp').write_text(fixture_text('proc_net_tcp.txt'))
    entry = readers.read_net(str(tmp_path / '42'))
    assert entry['method'] == 'procfs' and entry['netns_inode'] == ('word.netns_unknown', {})
    assert sorted(s['port'] for s in entry['tcp_listen']) == [8080, 8081, 8086]


def test_read_net_error_is_recorded():
    assert 'error' in readers.read_net('/nonexistent/1')


# Words ------------------------------------------------------------------------------------------


@pytest.mark.parametrize('lang', ['es', 'en'])
def test_every_step_has_its_texts_and_hints_in_both_languages(lang):
    params = lab_steps.text_params(CONFIG, chapter_done())
    for step in lab_steps.STEP_IDS:
        for key in ['ch.%s.title' % step, 'ch.%s.todo' % step] + lab_steps.hint_keys(step):
            assert catalog.text(lang, key, **params)
        commands = catalog.text(lang, lab_steps.hint_keys(step)[-1], **params)
        assert isinstance(commands, list) and commands


def test_last_hint_gives_the_commands_with_this_vms_images_and_the_servers_ip():
    params = lab_steps.text_params(CONFIG, chapter_done())
    assert catalog.text('en', 'ch.users_uid.commands', **params)[0] == \
        'docker run -d --user 1234 microlab.local/lab-shell:bookworm sleep 500'
    assert 'http://172.17.0.4/' in catalog.text('en', 'ch.network_bridge_200.commands', **params)[1]
    assert ':0050 ' in catalog.text('en', 'ch.nginx_netns.commands', **params)[3]


# Solve ------------------------------------------------------------------------------------------


def fresh():
    return {'engine': {'reachable': True}, 'containers': {}, 'networks': {'bridge': NETWORKS['bridge'], 'lonely_curl': None},
            'processes': {}, 'sockets': {'host': {'netns_inode': 1, 'tcp_listen': []}}, 'http': None,
            'probe_clients': {'bridge': '', 'lonely': ''}, 'probes': {}, 'permissions': copy.deepcopy(NO_FILES_DIR)}


def plan(step, observation):
    results = lab_steps.judge(observation, CONFIG)
    return lab_steps.solve_plan(step, observation, CONFIG, results)


def test_solve_plans_use_the_chapters_commands_labelled():
    labels = ['--label', 'microlab.lab=docker_internals']
    assert plan('users_uid', fresh()) == [('uid', ['docker', 'run', '-d', '--name', 'lab_user_1234', '--user', '1234']
                                           + labels + ['--label', 'microlab.lab.scenario=users',
                                                       'microlab.local/lab-shell:bookworm', 'sleep', 'infinity'])]
    steps = [action for action, _argv in plan('networks_differ', fresh())]
    assert steps == ['server', 'network', 'bridge_client', 'lonely_client']
    lonely = plan('network_lonely_timeout', fresh())[-1][1]
    assert lonely[lonely.index('--network') + 1] == 'lonely_curl' and lonely[-2:] == ['microlab.local/lab-curl:bookworm',
                                                                                      'infinity']


def test_solve_restarts_its_own_stopped_container_and_refuses_a_students():
    observation = fresh()
    observation['containers']['web_server'] = container('web_server', running=False,
                                                        labels={'microlab.lab': 'docker_internals'})
    assert plan('nginx_by_ip', observation) == [('server', ['docker', 'start', 'web_server'])]
    observation['containers']['web_server'] = container('web_server', running=False)
    with pytest.raises(lab_steps.StepError) as raised:
        plan('nginx_by_ip', observation)
    assert raised.value.key == 'ch.err.name_taken' and raised.value.params == {'name': 'web_server'}


def test_solve_leaves_what_already_runs():
    observation = chapter_done()
    assert plan('network_bridge_200', observation) == [
        ('bridge_client', ['docker', 'run', '-d', '--name', 'curl_bridge', '--label', 'microlab.lab=docker_internals',
                           '--label', 'microlab.lab.scenario=network', '--entrypoint', 'sleep',
                           'microlab.local/lab-curl:bookworm', 'infinity'])]
    assert plan('network_created', observation) == []


def test_reset_plan_removes_containers_before_networks():
    assert lab_steps.reset_plan(['a'], ['n']) == [['docker', 'rm', '--force', 'a'], ['docker', 'network', 'rm', 'n']]


# Progress ---------------------------------------------------------------------------------------


def test_history_records_first_pass_once():
    progress = lab_steps.empty_progress()
    results = {'users_root': {'status': 'pass'}, 'users_uid': {'status': 'fail'}}
    assert lab_steps.record_results(progress, results, 'T1') == ['users_root']
    assert lab_steps.record_results(progress, dict(results, users_uid={'status': 'pass'}), 'T2') == ['users_uid']
    assert progress['steps']['users_root'] == {'first_passed_at': 'T1', 'hints': 0, 'hints_before_pass': 0}
    assert progress['steps']['users_uid'] == {'first_passed_at': 'T2', 'hints': 0, 'hints_before_pass': 0}
    assert (progress['started_at'], progress['updated_at']) == ('T1', 'T2')
    assert lab_steps.last_progress_at(progress) == 'T2'


def test_hints_are_counted_and_capped_at_the_last():
    progress = lab_steps.empty_progress()
    assert [lab_steps.record_hint(progress, 'users_uid', 'T') for _time in range(5)] == [1, 2, 3, 3, 3]
    assert progress['steps']['users_uid']['hints'] == 5


def test_a_hint_asked_once_the_step_passed_is_counted_apart():
    progress = lab_steps.empty_progress()
    lab_steps.record_hint(progress, 'users_uid', 'T1')
    lab_steps.record_results(progress, {'users_uid': {'status': 'pass'}}, 'T2')
    lab_steps.record_hint(progress, 'users_uid', 'T3')  # it broke since, say, after the session's end
    assert progress['steps']['users_uid'] == {'first_passed_at': 'T2', 'hints': 2, 'hints_before_pass': 1}
    assert lab_steps.clean_progress(progress)['steps']['users_uid']['hints_before_pass'] == 1
    # A history written before this count had only hints: every one of them was asked before the pass.
    older = {'steps': {'users_uid': {'first_passed_at': '2026-12-02T19:05:00Z', 'hints': 2}}}
    assert lab_steps.clean_progress(older)['steps']['users_uid']['hints_before_pass'] == 2
    # Never more than the hints, whatever the file says.
    forged = {'steps': {'users_uid': {'first_passed_at': None, 'hints': 1, 'hints_before_pass': 9}}}
    assert lab_steps.clean_progress(forged)['steps']['users_uid']['hints_before_pass'] == 1


def test_history_is_saved_atomically_group_writable_and_survives_garbage(tmp_path):
    path = str(tmp_path / 'progress.json')
    progress = lab_steps.empty_progress()
    lab_steps.record_hint(progress, 'users_root', 'T')
    with lab_steps.locked(path):
        lab_steps.save_progress(path, progress)
    assert lab_steps.load_progress(path)['steps']['users_root']['hints'] == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
    assert sorted(os.listdir(str(tmp_path))) == ['progress.json', 'progress.json.lock']
    (tmp_path / 'progress.json').write_text('{not json')
    assert lab_steps.load_progress(path) == lab_steps.empty_progress()
    (tmp_path / 'progress.json').write_text(json.dumps({'steps': []}))
    assert lab_steps.load_progress(path) == lab_steps.empty_progress()


def test_history_view_joins_live_status_and_history():
    progress = lab_steps.empty_progress()
    lab_steps.record_results(progress, {'users_root': {'status': 'pass'}}, '2026-12-02T19:00:00Z')
    view = lab_steps.history_view(progress, {'users_root': {'status': 'fail', 'evidence': ('ev.missing', {'name': 'x'})}})
    assert view['users_root']['status'] == 'fail' and view['users_root']['first_passed_at'] == '2026-12-02T19:00:00Z'
    assert view['networks_differ']['first_passed_at'] is None


def test_make_config_merges_nested_settings():
    config = lab_steps.make_config({'uid': 2000, 'names': {'server': 'web'}})
    assert (config['uid'], config['names']['server'], config['names']['network']) == (2000, 'web', 'lonely_curl')
    assert lab_steps.DEFAULT_CONFIG['names']['server'] == 'web_server'


# The history is the student's file: validated, read without following links ---------------------


def hostile_history():
    return {'version': 'x', 'started_at': 5, 'updated_at': '"><img src=x onerror=alert(1)>', 'reset_at': '1970',
            'steps': {'users_root': {'first_passed_at': {}, 'hints': 'many', 'solved_by_lab': True},
                      'users_uid': {'first_passed_at': '2026-12-02T19:05:00Z', 'hints': 2, 'solved_by_lab': False},
                      'nginx_netns': {'hints': 10 ** 9}, 'nginx_by_ip': {'hints': True}, 'made_up_step': {'hints': 1},
                      'networks_differ': ['x']}}


def test_clean_progress_keeps_only_what_validates():
    progress = lab_steps.clean_progress(hostile_history())
    assert progress == {'version': 1, 'started_at': None, 'updated_at': None, 'reset_at': None, 'steps': {
        'users_root': {'first_passed_at': None, 'hints': 0, 'hints_before_pass': 0},
        'users_uid': {'first_passed_at': '2026-12-02T19:05:00Z', 'hints': 2, 'hints_before_pass': 2},
        'nginx_netns': {'first_passed_at': None, 'hints': 0, 'hints_before_pass': 0},
        'nginx_by_ip': {'first_passed_at': None, 'hints': 0, 'hints_before_pass': 0}}}
    assert lab_steps.clean_progress([1, 2]) == lab_steps.empty_progress()


def test_solved_by_the_lab_is_judged_never_read_from_the_history():
    progress = lab_steps.clean_progress(hostile_history())
    view = lab_steps.history_view(progress, lab_steps.judge(chapter_done(), CONFIG))
    assert not any(entry['solved_by_lab'] for entry in view.values())
    view = lab_steps.history_view(lab_steps.empty_progress(), lab_steps.judge(solved_by_the_lab(), CONFIG))
    assert view['nginx_netns']['solved_by_lab'] and not view['users_uid']['solved_by_lab']


@pytest.mark.parametrize('content', [b'[' * 100000 + b']' * 100000, b'{"steps": {}}' + b' ' * (64 * 1024)],
                         ids=['too-deep', 'too-large'])
def test_load_progress_survives_deep_or_huge_json(tmp_path, content):
    path = tmp_path / 'progress.json'
    path.write_bytes(content)
    assert lab_steps.load_progress(str(path)) == lab_steps.empty_progress()


def test_load_progress_follows_no_link_and_opens_no_fifo(tmp_path):
    secret = tmp_path / 'secret.json'
    secret.write_text(json.dumps({'steps': {'users_root': {'hints': 3}}}))
    link = tmp_path / 'progress.json'
    link.symlink_to(secret)
    assert lab_steps.load_progress(str(link)) == lab_steps.empty_progress()
    fifo = tmp_path / 'fifo.json'
    os.mkfifo(str(fifo))
    assert lab_steps.load_progress(str(fifo)) == lab_steps.empty_progress()  # returns at once: never blocks


def test_session_since_is_the_latest_valid_start():
    progress = lab_steps.empty_progress()
    assert lab_steps.session_since(progress) is None
    assert lab_steps.session_since(progress, '2026-12-02T19:00:00Z') == '2026-12-02T19:00:00Z'
    lab_steps.record_reset(progress, '2026-12-02T19:30:00Z')
    assert lab_steps.session_since(progress, '2026-12-02T19:00:00Z') == '2026-12-02T19:30:00Z'
    progress['reset_at'] = '1970'  # hand-edited: not a time, ignored
    assert lab_steps.session_since(progress, '2026-12-02T19:00:00Z') == '2026-12-02T19:00:00Z'


def test_the_lock_follows_no_link_planted_in_the_shared_directory(tmp_path):
    """The history's directory is the docker group's: a link named like the lock must not make `lab` open or
    chmod another user's file (an authorized_keys made 0660 is refused by sshd)."""
    victim = tmp_path / 'authorized_keys'
    victim.write_text('key\n')
    victim.chmod(0o600)
    os.symlink(str(victim), str(tmp_path / 'progress.json.lock'))
    with lab_steps.locked(str(tmp_path / 'progress.json')):
        pass
    assert victim.stat().st_mode & 0o777 == 0o600 and victim.read_text() == 'key\n'
    with lab_steps.locked(str(tmp_path / 'fresh.json')):
        assert (tmp_path / 'fresh.json.lock').stat().st_mode & 0o777 == 0o660


def test_the_runs_are_read_after_the_live_observation(monkeypatch):
    """`docker run --rm ... ip a; lab check`: the recorder writes the run a fraction of a second after it ends, so
    the record is read after the live state and the probes (seconds), never before."""
    order = []
    monkeypatch.setattr(lab_steps.lab_observe, 'read_engine', lambda api: {'reachable': True})
    monkeypatch.setattr(challenge_observe, '_observe_live', lambda *args: order.append('live, probes included'))
    observation = lab_steps.observe(None, CONFIG, runs=lambda: order.append('runs') or [{'id': 'x'}])
    assert order == ['live, probes included', 'runs'] and observation['runs'] == [{'id': 'x'}]
