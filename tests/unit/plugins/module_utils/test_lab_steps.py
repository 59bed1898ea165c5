# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode's steps: observation -> judgement, hints, solve plans, the progress history."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_steps

CONFIG = lab_steps.make_config({'images': {'shell': 'microlab.local/lab-shell:bookworm',
                                           'nginx': 'microlab.local/lab-nginx:bookworm',
                                           'curl': 'microlab.local/lab-curl:bookworm'}})


def container(name, pid=100, running=True, networks=('bridge',), image='img', labels=None, ip_base='172.17.0.'):
    nets = dict((net, {'ip': '%s%d' % (ip_base if net == 'bridge' else '172.18.0.', pid % 200 + 2), 'prefix': 16,
                       'network_id': net}) for net in networks)
    return {'id': name + '-id', 'name': name, 'state': 'running' if running else 'exited', 'running': running,
            'pid': pid if running else 0, 'image': image, 'user': '', 'labels': labels or {}, 'networks': nets}


def procs(*uids, args='sleep 500'):
    return {'processes': [{'pid': 100 + i, 'args': args, 'host_uid': uid, 'host_user': 'root' if uid == 0 else None}
                          for i, uid in enumerate(uids)]}


def listen(port, address='0.0.0.0'):
    return {'address': address, 'port': port, 'name': None, 'pid': None}


NETWORKS = {
    'bridge': {'id': 'b', 'name': 'bridge', 'driver': 'bridge', 'labels': {}, 'subnets': ['172.17.0.0/16'],
               'bridge': 'docker0', 'icc': True},
    'lonely_curl': {'id': 'l', 'name': 'lonely_curl', 'driver': 'bridge', 'labels': {}, 'subnets': ['172.18.0.0/16'],
                    'bridge': 'br-1234', 'icc': True},
}


def chapter_done():
    """The observation of a VM where the student typed the whole chapter."""
    containers = {
        'quirky_bell': container('quirky_bell', 101),
        'eager_hopper': container('eager_hopper', 102),
        'web_server': container('web_server', 103),
        'curl_a': container('curl_a', 104, image=CONFIG['images']['curl']),
        'curl_b': container('curl_b', 105, networks=('lonely_curl',), image=CONFIG['images']['curl']),
    }
    return {
        'scenarios': [],
        'engine': {'reachable': True},
        'containers': containers,
        'networks': dict(NETWORKS),
        'processes': {'quirky_bell': procs(0), 'eager_hopper': procs(1234), 'web_server': procs(0, 33, args='nginx'),
                      'curl_a': procs(0), 'curl_b': procs(0)},
        'sockets': {'container': {'netns_inode': 4026532300, 'tcp_listen': [listen(80), listen(80, '::')]},
                    'host': {'netns_inode': 4026531840, 'tcp_listen': [listen(22)]}},
        'http': {'url': 'http://172.17.0.105:80/', 'status': 200},
        'probe_clients': {'bridge': 'curl_a', 'lonely': 'curl_b'},
        'probes': {'curl_a': {'ran': True, 'url': 'http://172.17.0.105:80/', 'rc': 0, 'http_code': '200',
                              'time': '0.01', 'stderr': ''},
                   'curl_b': {'ran': True, 'url': 'http://172.17.0.105:80/', 'rc': 28, 'http_code': '000',
                              'time': '2.0', 'stderr': 'timed out'}},
    }


def statuses(observation, steps=lab_steps.STEP_IDS):
    return dict((step, result['status']) for step, result in lab_steps.judge(observation, CONFIG, steps).items())


def rendered(result, lang='en'):
    return catalog.render(lang, result['evidence'])


def test_the_whole_chapter_passes_every_step():
    results = lab_steps.judge(chapter_done(), CONFIG)
    assert list(results) == list(lab_steps.STEP_IDS)
    assert set(r['status'] for r in results.values()) == {'pass'}, results
    assert 'eager_hopper' in rendered(results['users_uid']) and '1234' in rendered(results['users_uid'])
    assert lab_steps.next_step(results) is None


def test_a_fresh_vm_fails_every_step_saying_what_is_missing():
    observation = {'engine': {'reachable': True}, 'containers': {}, 'networks': {'bridge': NETWORKS['bridge'],
                                                                                 'lonely_curl': None},
                   'processes': {}, 'sockets': {'host': {'netns_inode': 1, 'tcp_listen': []}}, 'http': None,
                   'probe_clients': {'bridge': '', 'lonely': ''}, 'probes': {}}
    results = lab_steps.judge(observation, CONFIG)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert lab_steps.next_step(results) == 'users_root'
    assert rendered(results['users_root']) == 'no container is running: start one that stays up (docker ps lists none)'
    assert rendered(results['nginx_netns']) == 'web_server does not exist'
    assert rendered(results['network_created']) == 'there is no network called lonely_curl (docker network ls)'
    assert rendered(results['network_bridge_200']) == 'web_server does not exist'
    for result in results.values():  # every failure says something in both languages
        assert rendered(result, 'es') and rendered(result, 'en')


@pytest.mark.parametrize('uids, root, uid', [
    ((0,), 'pass', 'fail'),
    ((1234,), 'fail', 'pass'),
    ((0, 33), 'fail', 'fail'),   # nginx: master root, workers www-data: not "runs as root" nor as 1234
    ((1234, 1234), 'fail', 'pass'),
])
def test_users_steps_take_any_container_whose_processes_all_run_as_the_uid(uids, root, uid):
    observation = {'engine': {'reachable': True}, 'containers': {'x': container('x')}, 'processes': {'x': procs(*uids)}}
    assert statuses(observation, ['users_root', 'users_uid']) == {'users_root': root, 'users_uid': uid}


def test_users_failure_lists_what_runs():
    observation = {'engine': {'reachable': True}, 'containers': {'x': container('x')}, 'processes': {'x': procs(1000)}}
    text = rendered(lab_steps.judge(observation, CONFIG, ['users_uid'])['users_uid'])
    assert text.startswith('no running container has all its processes as host UID 1234: x pid 100')


def test_a_stopped_container_does_not_count():
    observation = {'engine': {'reachable': True}, 'containers': {'x': container('x', running=False)}, 'processes': {}}
    assert statuses(observation, ['users_root']) == {'users_root': 'fail'}


def test_nginx_published_on_the_host_fails_not_on_host():
    observation = chapter_done()
    observation['sockets']['host']['tcp_listen'].append(listen(80))
    assert statuses(observation, ['nginx_netns', 'nginx_not_on_host', 'nginx_by_ip']) == {
        'nginx_netns': 'pass', 'nginx_not_on_host': 'fail', 'nginx_by_ip': 'pass'}


def test_nginx_stopped_fails_all_three_steps():
    observation = chapter_done()
    observation['containers']['web_server'] = container('web_server', running=False)
    observation['sockets'] = {'host': {'netns_inode': 1, 'tcp_listen': []}}
    observation['http'] = None
    assert set(statuses(observation, ['nginx_netns', 'nginx_not_on_host', 'nginx_by_ip']).values()) == {'fail'}


@pytest.mark.parametrize('bridge_rc, lonely_rc, bridge, lonely', [
    (0, 28, 'pass', 'pass'),
    (0, 0, 'pass', 'fail'),      # not isolated
    (0, 7, 'pass', 'fail'),      # refused, not a timeout
    (28, 28, 'fail', 'pass'),
])
def test_network_probes(bridge_rc, lonely_rc, bridge, lonely):
    observation = chapter_done()
    observation['probes']['curl_a'].update(rc=bridge_rc, http_code='200' if bridge_rc == 0 else '000')
    observation['probes']['curl_b'].update(rc=lonely_rc, http_code='200' if lonely_rc == 0 else '000')
    assert statuses(observation, ['network_bridge_200', 'network_lonely_timeout']) == {
        'network_bridge_200': bridge, 'network_lonely_timeout': lonely}


def test_no_client_on_the_lonely_network():
    observation = chapter_done()
    observation['probe_clients']['lonely'] = ''
    results = lab_steps.judge(observation, CONFIG, ['network_lonely_timeout', 'networks_differ'])
    expected = 'no running container on lonely_curl to ask from: start one that stays up'
    assert rendered(results['network_lonely_timeout']) == expected
    assert results['networks_differ']['status'] == 'fail'


def test_networks_differ_needs_two_subnets():
    observation = chapter_done()
    observation['networks']['lonely_curl'] = dict(NETWORKS['lonely_curl'], subnets=['172.17.0.0/16'], bridge='docker0')
    assert statuses(observation, ['networks_differ']) == {'networks_differ': 'fail'}


def test_engine_down_fails_every_step_with_the_reason():
    results = lab_steps.judge({'engine': {'reachable': False, 'error': 'no socket'}}, CONFIG)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert 'no socket' in rendered(results['nginx_by_ip'])


def test_candidates_prefer_the_labs_client_then_single_network_then_curl_image():
    containers = {
        'a': container('a', networks=('bridge', 'lonely_curl')),
        'b': container('b'),
        'c': container('c', image=CONFIG['images']['curl']),
        'web_server': container('web_server'),
        'curl_bridge': container('curl_bridge', networks=('bridge', 'lonely_curl')),
        'stopped': container('stopped', running=False),
    }
    assert [c['name'] for c in lab_steps.candidates(containers, 'bridge', CONFIG)] == ['curl_bridge', 'c', 'b', 'a']
    assert [c['name'] for c in lab_steps.candidates(containers, 'lonely_curl', CONFIG)] == ['a', 'curl_bridge']


class ProbeAPI(object):
    def __init__(self, rc):
        self.rc = rc

    def exec_run(self, client, argv, user=None):
        return self.rc, '' if self.rc else '200 0.01', 'exec: "curl": executable file not found' if self.rc else ''


def test_probe_uses_exec_when_the_container_has_curl():
    result = lab_steps.probe(ProbeAPI(0), 'x', 'http://172.17.0.2:80/', CONFIG, runner=None)
    assert (result['rc'], result['http_code'], result['how']) == (0, '200', 'exec')


def test_probe_joins_the_network_namespace_when_the_container_has_no_curl():
    calls = []

    def runner(argv):
        calls.append(argv)
        return 28, '000 2.0', 'curl: (28) timed out'

    result = lab_steps.probe(ProbeAPI(127), 'quirky_bell', 'http://172.17.0.2:80/', CONFIG, runner)
    assert (result['rc'], result['how']) == (28, 'probe container')
    argv = calls[0]
    assert argv[:5] == ['docker', 'run', '--rm', '--network', 'container:quirky_bell']
    assert 'microlab.lab=docker_internals' in argv and CONFIG['images']['curl'] in argv
    assert argv[-1] == 'http://172.17.0.2:80/'


def test_probe_container_that_cannot_start_is_not_a_verdict():
    result = lab_steps.probe(ProbeAPI(127), 'x', 'http://ip/', CONFIG, lambda argv: (125, '', 'no such image'))
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
    real_entry = lab_steps.container_processes.process_entry

    def entry(pid, uid_map, users, host_users):  # the real one reads the real /proc
        text = open('%s/%d/status' % (proc, pid)).read()
        uid = int(text.split('Uid:\t')[1].split('\t')[1])
        return {'pid': pid, 'host_uid': uid, 'args': open('%s/%d/cmdline' % (proc, pid)).read().replace('\0', ' ').strip(),
                'host_user': None}

    monkeypatch.setattr(lab_steps.container_processes, 'process_entry', entry)
    found = lab_steps.read_processes({'web': container('web', 10), 'sleepy': container('sleepy', 20),
                                      'gone': container('gone', running=False)}, proc)
    assert sorted(found) == ['sleepy', 'web']
    assert [p['host_uid'] for p in found['web']['processes']] == [0, 33]
    assert [p['args'] for p in found['sleepy']['processes']] == ['sleep 500']
    assert real_entry is not entry


def test_read_net_reads_listening_tcp_without_root(tmp_path, fixture_text):
    net = tmp_path / '42' / 'net'
    net.mkdir(parents=True)
    (net / 'tcp').write_text(fixture_text('proc_net_tcp.txt'))
    entry = lab_steps.read_net(str(tmp_path / '42'))
    assert entry['method'] == 'procfs' and entry['netns_inode'] == '?'
    assert sorted(s['port'] for s in entry['tcp_listen']) == [8080, 8081, 8086]


def test_read_net_error_is_recorded():
    assert 'error' in lab_steps.read_net('/nonexistent/1')


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
    assert 'http://172.17.0.105/' in catalog.text('en', 'ch.network_bridge_200.commands', **params)[1]
    assert ':0050 ' in catalog.text('en', 'ch.nginx_netns.commands', **params)[3]


# Solve ------------------------------------------------------------------------------------------


def fresh():
    return {'engine': {'reachable': True}, 'containers': {}, 'networks': {'bridge': NETWORKS['bridge'], 'lonely_curl': None},
            'processes': {}, 'sockets': {'host': {'netns_inode': 1, 'tcp_listen': []}}, 'http': None,
            'probe_clients': {'bridge': '', 'lonely': ''}, 'probes': {}}


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


def test_solved_steps_are_the_step_and_those_needing_what_was_done():
    assert lab_steps.solved_steps('nginx_netns', ['server']) == {
        'nginx_netns', 'nginx_not_on_host', 'nginx_by_ip', 'network_bridge_200', 'network_lonely_timeout',
        'networks_differ'}
    assert lab_steps.solved_steps('users_root', []) == {'users_root'}


def test_reset_plan_removes_containers_before_networks():
    assert lab_steps.reset_plan(['a'], ['n']) == [['docker', 'rm', '--force', 'a'], ['docker', 'network', 'rm', 'n']]


# Progress ---------------------------------------------------------------------------------------


def test_history_records_first_pass_once_and_solved_by_lab():
    progress = lab_steps.empty_progress()
    results = {'users_root': {'status': 'pass'}, 'users_uid': {'status': 'fail'}}
    assert lab_steps.record_results(progress, results, 'T1') == ['users_root']
    assert lab_steps.record_results(progress, dict(results, users_uid={'status': 'pass'}), 'T2',
                                    solved={'users_uid', 'users_root'}) == ['users_uid']
    assert progress['steps']['users_root'] == {'first_passed_at': 'T1', 'hints': 0, 'solved_by_lab': False}
    assert progress['steps']['users_uid'] == {'first_passed_at': 'T2', 'hints': 0, 'solved_by_lab': True}
    assert (progress['started_at'], progress['updated_at']) == ('T1', 'T2')
    assert lab_steps.last_progress_at(progress) == 'T2'


def test_hints_are_counted_and_capped_at_the_last():
    progress = lab_steps.empty_progress()
    assert [lab_steps.record_hint(progress, 'users_uid', 'T') for _time in range(5)] == [1, 2, 3, 3, 3]
    assert progress['steps']['users_uid']['hints'] == 5


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
    lab_steps.record_results(progress, {'users_root': {'status': 'pass'}}, 'T1')
    view = lab_steps.history_view(progress, {'users_root': {'status': 'fail', 'evidence': ('ev.missing', {'name': 'x'})}})
    assert view['users_root']['status'] == 'fail' and view['users_root']['first_passed_at'] == 'T1'
    assert view['networks_differ']['first_passed_at'] is None


def test_make_config_merges_nested_settings():
    config = lab_steps.make_config({'uid': 2000, 'names': {'server': 'web'}})
    assert (config['uid'], config['names']['server'], config['names']['network']) == (2000, 'web', 'lonely_curl')
    assert lab_steps.DEFAULT_CONFIG['names']['server'] == 'web_server'
