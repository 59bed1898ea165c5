# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scratch scenario's challenge steps on the probe's output recorded on Debian 12's engine
(fixtures/observations/scratch_challenge.json: the reading's unshare and a chroot without unshare, both rooted in a
directory exported with docker export | tar -x): what passes, the misunderstandings the judges must tell apart
(docker save's layout, no .dockerenv, a chroot in the host's PID namespace, a host namespace, the host's name), the
directory read without following a link, the probe's lines typed and bounded, and what solve and reset run."""

from __future__ import annotations

import copy
import json
import os
import subprocess

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_steps, scratch_challenge
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import PROBE_LABEL
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import scratch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')
CONFIG = lab_steps.make_config({'image_ids': {'shell': 'sha256:' + 'a' * 64}})


def recorded():
    with open(os.path.join(HERE, 'scratch_challenge.json'), encoding='utf-8') as handle:
        data = json.load(handle)
    return {'dirs': data['dirs'], 'host': data['host'],
            'processes': scratch_challenge.parse_probe(data['probe_output'], data['probe_keys'])}


def judged(scratch_seen, step):
    return scratch.judge_steps({'scratch': scratch_seen}, CONFIG, [step])[step]


def said(result, lang='en'):
    return catalog.render(lang, result['evidence'])


def test_the_reading_as_recorded_passes_both_steps_as_the_students_own():
    seen = recorded()
    for step in scratch.STEPS[:2]:
        result = judged(seen, step)
        assert (result['status'], result['by_lab']) == ('pass', False), said(result)
        for lang in catalog.LANGUAGES:
            assert '?' not in said(result, lang)
    assert said(judged(seen, 'scratch_unshared')) == (
        'process 28503 has /var/tmp/rootfs as its root and is PID 1 of its own PID namespace, in mount, UTS and '
        'network namespaces that are not the host\'s; it is called container, the host vm')


def test_a_chroot_without_unshare_fails_in_the_hosts_pid_namespace():
    seen = recorded()
    seen['processes'] = [p for p in seen['processes'] if len(p['nspid']) == 1]
    result = judged(seen, 'scratch_unshared')
    assert result['status'] == 'fail' and result['evidence'][0] == 'ch.ev.scratch_host_pid'
    assert 'chroot changes the root only' in said(result)
    assert 'chroot cambia solo la raíz' in said(result, 'es')


@pytest.mark.parametrize('kind, key', [('mnt', 'ch.ev.scratch_host_mnt'), ('uts', 'ch.ev.scratch_host_uts'),
                                       ('net', 'ch.ev.scratch_host_net')])
def test_pid_one_sharing_a_host_namespace_fails_naming_it(kind, key):
    seen = recorded()
    seen['processes'] = seen['processes'][:1]
    seen['processes'][0]['ns'][kind] = seen['host']['ns'][kind]
    assert judged(seen, 'scratch_unshared')['evidence'][0] == key


def test_own_uts_namespace_with_the_hosts_name_fails():
    seen = recorded()
    seen['processes'][0]['hostname'] = seen['host']['hostname']
    seen['processes'] = seen['processes'][:1]
    result = judged(seen, 'scratch_unshared')
    assert result['evidence'][0] == 'ch.ev.scratch_same_hostname' and 'hostname container' in said(result)


def test_unshare_without_fork_is_not_pid_one():
    seen = recorded()
    seen['processes'] = seen['processes'][:1]
    seen['processes'][0]['nspid'] = [28503, 2]
    assert judged(seen, 'scratch_unshared')['evidence'][0] == 'ch.ev.scratch_not_pid_one'


def test_no_process_rooted_there_and_no_directory_say_what_to_do():
    seen = recorded()
    seen['processes'] = []
    assert said(judged(seen, 'scratch_unshared')).startswith('no process has /var/tmp/rootfs as its root')
    seen['dirs']['student'] = {'path': scratch_challenge.STUDENT_ROOTFS, 'kind': 'missing'}
    for step in scratch.STEPS[:2]:
        assert judged(seen, step)['evidence'][0] == 'ch.ev.scratch_no_rootfs'


def test_a_probe_that_could_not_run_is_said_not_taken_for_no_process():
    seen = recorded()
    seen['error'] = 'permission denied'
    result = judged(seen, 'scratch_unshared')
    assert result['evidence'][0] == 'ev.read_error' and 'permission denied' in said(result)


def test_the_labs_directory_and_process_are_credited_to_the_lab():
    seen = recorded()
    seen['dirs'] = {'student': {'path': scratch_challenge.STUDENT_ROOTFS, 'kind': 'missing'},
                    'lab': dict(seen['dirs']['student'], path=scratch_challenge.SOLVE_ROOTFS)}
    for step in scratch.STEPS[:2]:
        result = judged(seen, step)
        assert (result['status'], result['by_lab']) == ('pass', True)
        assert said(result).endswith('(made by the lab with `lab solve`, not by you)')


def exported_like(root, dockerenv=True, os_release=True, saved=()):
    os.makedirs(os.path.join(root, 'usr', 'lib'))
    if os_release:
        with open(os.path.join(root, 'usr', 'lib', 'os-release'), 'w', encoding='utf-8') as handle:
            handle.write('ID=debian\n')
    if dockerenv:
        open(os.path.join(root, '.dockerenv'), 'w', encoding='utf-8').close()
    for name in saved:
        open(os.path.join(root, name), 'w', encoding='utf-8').close()
    return str(root)


def step_one(entry):
    return judged({'dirs': {'student': entry, 'lab': {'path': 'x', 'kind': 'missing'}}}, 'scratch_exported')


@pytest.mark.parametrize('how, key', [
    (dict(), 'ch.ev.scratch_exported'),
    (dict(dockerenv=False), 'ch.ev.scratch_not_exported'),
    (dict(os_release=False), 'ch.ev.scratch_rootfs_empty'),
    (dict(dockerenv=False, os_release=False, saved=('manifest.json', 'repositories')), 'ch.ev.scratch_saved'),
])
def test_the_directory_is_an_exported_container_not_docker_saves_layers(tmp_path, how, key):
    entry = scratch_challenge.rootfs_entry(exported_like(tmp_path / 'rootfs', **how))
    assert step_one(entry)['evidence'][0] == key


def test_links_are_never_followed_into_or_inside_the_directory(tmp_path):
    real = exported_like(tmp_path / 'real')
    os.symlink(real, str(tmp_path / 'rootfs'))
    assert scratch_challenge.rootfs_entry(str(tmp_path / 'rootfs'))['kind'] == 'other'
    assert step_one(scratch_challenge.rootfs_entry(str(tmp_path / 'rootfs')))['evidence'][0] == 'ch.ev.scratch_rootfs_not_dir'
    planted = exported_like(tmp_path / 'planted', dockerenv=False)
    os.symlink(os.path.join(real, '.dockerenv'), os.path.join(planted, '.dockerenv'))
    assert scratch_challenge.rootfs_entry(planted)['dockerenv'] is False


def test_probe_lines_are_typed_bounded_and_only_for_the_keys_asked():
    good = '7\t1:2\t7 1\tpid:[11]\tmnt:[12]\tuts:[13]\tnet:[14]\tbox'
    lines = [good, good.replace('1:2', '9:9'), '8\t1:2\tx\tpid:[1]\tmnt:[1]\tuts:[1]\tnet:[1]\tb',
             '9\t1:2\t9 1\tmnt:[11]\tpid:[12]\tuts:[13]\tnet:[14]\t' + 'h' * 65, 'garbage']
    found = scratch_challenge.parse_probe('\n'.join(lines + [good] * 30), ['1:2'])
    assert found[0] == {'pid': 7, 'key': '1:2', 'nspid': [7, 1], 'ns': {'pid': 11, 'mnt': 12, 'uts': 13, 'net': 14},
                        'hostname': 'box'}
    assert found[1] == {'pid': 9, 'key': '1:2', 'nspid': [9, 1], 'ns': {'pid': None, 'mnt': None, 'uts': 13, 'net': 14},
                        'hostname': ''}
    assert len(found) == scratch_challenge.MAX_PROCESSES


def test_the_probe_script_reads_the_kernels_view_of_this_process():
    """The constant script, run here with the key of this process's root: its own line says what /proc says."""
    root = os.stat('/')
    key = '%d:%d' % (root.st_dev, root.st_ino)
    out = subprocess.run(['sh', '-c', scratch_challenge.PROBE_SCRIPT, 'sh', '/nowhere', key], capture_output=True, text=True,
                         check=True).stdout
    line = [text for text in out.splitlines() if text.startswith('%d\t' % os.getpid())]
    mine = scratch_challenge.parse_probe('\n'.join(line), [key])
    host = scratch_challenge.host_view()
    assert mine and mine[0]['nspid'][0] == os.getpid() and mine[0]['ns'] == host['ns']


def test_the_probe_is_the_labs_image_by_id_labelled_with_the_keys_as_arguments():
    argv = scratch_challenge.probe_argv(CONFIG, ['1:2', '3:4'])
    assert argv[:3] == ['docker', 'run', '--rm'] and '%s=true' % PROBE_LABEL in argv
    assert argv[argv.index('--entrypoint') + 2] == 'sha256:' + 'a' * 64
    assert argv[-6:] == ['-c', scratch_challenge.PROBE_SCRIPT, 'sh', scratch_challenge.CODE_ROOT, '1:2', '3:4']
    assert os.path.isfile(os.path.join(scratch_challenge.CODE_ROOT, 'ansible_collections', 'microlab',
                                       'docker_internals', 'plugins', 'module_utils', 'scratch_challenge.py'))


def test_challenge_start_probes_only_existing_directories_and_keeps_a_failure(monkeypatch, tmp_path):
    ran = []
    monkeypatch.setattr(scratch_challenge, 'STUDENT_ROOTFS', str(tmp_path / 'none'))
    monkeypatch.setattr(scratch_challenge, 'SOLVE_ROOTFS', str(tmp_path / 'none2'))
    observation = {}
    assert scratch_challenge.challenge_start(observation, CONFIG, ran.append) is None
    assert ran == [] and observation['scratch']['processes'] == []
    monkeypatch.setattr(scratch_challenge, 'STUDENT_ROOTFS', exported_like(tmp_path / 'rootfs'))
    scratch_challenge.challenge_start(observation, CONFIG, lambda argv: (125, '', 'docker: denied\n'))
    assert observation['scratch']['error'] == 'docker: denied'


def test_solve_exports_with_the_image_as_an_argument_and_unshares_in_a_labelled_container():
    results = {}
    (export,) = scratch_challenge.solve_export({'scratch': {'dirs': {}}}, CONFIG, results)
    assert export == ['sh', '-c', scratch_challenge.EXPORT_SCRIPT, 'sh', 'sha256:' + 'a' * 64]
    assert '{' not in scratch_challenge.EXPORT_SCRIPT and 'docker export "$c"' in scratch_challenge.EXPORT_SCRIPT
    done = {'scratch': {'dirs': {'lab': dict(recorded()['dirs']['student'], path=scratch_challenge.SOLVE_ROOTFS)}}}
    assert scratch_challenge.solve_export(done, CONFIG, results) == []
    (unshare,) = scratch_challenge.solve_unshare({}, CONFIG, results)
    assert unshare[:5] == ['docker', 'run', '-d', '--network', 'none'] and 'microlab.lab=docker_internals' in unshare
    assert unshare[unshare.index('unshare'):unshare.index('sh')] == [
        'unshare', '--pid', '--mount', '--uts', '--net', '--fork', '--kill-child',
        '--mount-proc=%s/proc' % scratch_challenge.SOLVE_ROOTFS]
    assert scratch_challenge.STUDENT_ROOTFS not in ' '.join(export + unshare)


def test_reset_removes_only_what_solve_exported(monkeypatch, tmp_path):
    monkeypatch.setattr(scratch_challenge, 'SOLVE_ROOTFS', str(tmp_path / 'challenge-rootfs'))
    assert scratch_challenge.challenge_reset(CONFIG) == ([], [])
    os.mkdir(str(tmp_path / 'challenge-rootfs'))
    names, plan = scratch_challenge.challenge_reset(CONFIG)
    assert names == [str(tmp_path / 'challenge-rootfs')] and len(plan) == 1
    assert 'microlab.lab=docker_internals' in plan[0] and plan[0][-2:] == ['-c', scratch_challenge.RESET_SCRIPT]
    assert scratch_challenge.STUDENT_ROOTFS not in ' '.join(plan[0])
    assert 'rm -rf --one-file-system /parent/microlab-scratch/challenge-rootfs ' in scratch_challenge.RESET_SCRIPT


def test_every_step_has_its_texts_points_and_solve():
    for step in scratch.STEPS:
        assert scratch.POINTS[step] == 10 and scratch.SOLVE[step]
        for key in ['ch.%s.title' % step, 'ch.%s.todo' % step] + lab_steps.hint_keys(step):
            for lang in catalog.LANGUAGES:
                assert catalog.text(lang, key, **lab_steps.text_params(CONFIG))
    assert any(scratch_challenge.STUDENT_ROOTFS in line for line in catalog.text('en', 'ch.scratch_exported.commands',
                                                                                 **lab_steps.text_params(CONFIG)))


def test_the_recorded_fixture_is_unchanged_by_judging():
    seen = recorded()
    before = copy.deepcopy(seen)
    judged(seen, 'scratch_unshared')
    assert seen == before


# Steps 3 and 4 -------------------------------------------------------------------------------------------------
# `ip -j -d addr show` as Debian 12's iproute2 prints it (trimmed to the fields read), inside the student's process
# and on the host, after the last hint of scratch_linked: veth1 (10.10.0.2/24) in the process, its peer veth0 on the
# student's bridge br0 (10.10.0.1/24), beside Docker's docker0 and a container's veth.
def veth(index, name, peer, netnsid, master=None, up=True, addresses=()):
    link = {'ifindex': index, 'link_index': peer, 'ifname': name, 'link_netnsid': netnsid,
            'flags': ['BROADCAST', 'MULTICAST'] + (['UP', 'LOWER_UP'] if up else []),
            'operstate': 'UP' if up else 'DOWN', 'link_type': 'ether', 'linkinfo': {'info_kind': 'veth'},
            'addr_info': [{'family': 'inet', 'local': a.partition('/')[0], 'prefixlen': int(a.partition('/')[2]),
                           'scope': 'global', 'label': name} for a in addresses]
            + [{'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'}]}
    if master:
        link.update(master=master)
        link['linkinfo']['info_slave_kind'] = 'bridge'
    return link


def bridge(index, name, addresses=('10.10.0.1/24',), up=True):
    return {'ifindex': index, 'ifname': name, 'flags': ['BROADCAST', 'MULTICAST'] + (['UP', 'LOWER_UP'] if up else []),
            'operstate': 'UP', 'link_type': 'ether', 'linkinfo': {'info_kind': 'bridge'},
            'addr_info': [{'family': 'inet', 'local': a.partition('/')[0], 'prefixlen': int(a.partition('/')[2]),
                           'scope': 'global', 'label': name} for a in addresses]}


LO = {'ifindex': 1, 'ifname': 'lo', 'flags': ['LOOPBACK', 'UP', 'LOWER_UP'], 'link_type': 'loopback',
      'addr_info': [{'family': 'inet', 'local': '127.0.0.1', 'prefixlen': 8, 'scope': 'host', 'label': 'lo'}]}


def network(inside=None, host=None):
    """{'inside': ..., 'host': ...}: the student's network as the last hint makes it, unless given."""
    return {'inside': [LO, veth(2, 'veth1', 10, 0, addresses=('10.10.0.2/24',))] if inside is None else inside,
            'host': [LO, bridge(5, 'docker0', ('172.17.0.1/16',)), veth(7, 'veth9a1b2c3', 6, 2, master='docker0'),
                     bridge(9, 'br0'), veth(10, 'veth0', 2, 1, master='br0')] if host is None else host}


def probed(monkeypatch, net, answers=None, pid=28503):
    """network_probe's line for pid, on the ip output given and the echoes answered (address: True, False, error),
    parsed back as parse_probe does; and the addresses an echo was sent to."""
    import io
    sent = []

    def run(argv, timeout=30):
        assert argv[:4] in (['nsenter', '--target', '1', '--net'], ['nsenter', '--target', str(pid), '--net'])
        return json.dumps(net['host' if argv[2] == '1' else 'inside'])
    monkeypatch.setattr(scratch_challenge.scratch_host, 'run', run)

    def ping(target_pid, address, timeout=1.0):
        sent.append((target_pid, address))
        return (answers or {}).get(address, True)
    monkeypatch.setattr(scratch_challenge.scratch_view, 'ping', ping)
    out = io.StringIO()
    scratch_challenge.network_probe(pid, out)
    line = out.getvalue()
    assert line.endswith('\n') and line.count('\n') == 1
    return line, sent


def with_network(monkeypatch, net, answers=None):
    """The recorded reading (steps 1 and 2 pass) with the student's process's network probed as given."""
    data = json.load(open(os.path.join(HERE, 'scratch_challenge.json'), encoding='utf-8'))
    line, sent = probed(monkeypatch, net, answers)
    first, rest = data['probe_output'].split('\n', 1)
    seen = recorded()
    seen['processes'] = scratch_challenge.parse_probe(first + '\n' + line + rest, data['probe_keys'])
    return seen, sent


def test_the_last_hints_network_passes_step_three_through_the_students_bridge(monkeypatch):
    seen, sent = with_network(monkeypatch, network())
    assert sent == [(28503, '10.10.0.1')]
    result = judged(seen, 'scratch_linked')
    assert (result['status'], result['by_lab'], result['evidence'][0]) == ('pass', False, 'ch.ev.scratch_linked_bridge')
    assert said(result) == ('process 28503\'s veth1 (10.10.0.2/24) is one end of a veth pair whose other end, veth0, '
                            'is on the bridge br0; an ICMP echo from its network namespace to 10.10.0.1 was answered')
    for lang in catalog.LANGUAGES:
        assert '?' not in said(result, lang)


def test_a_veth_pair_without_a_bridge_passes_too(monkeypatch):
    host = [LO, veth(10, 'veth0', 2, 1, addresses=('10.10.0.1/24',))]
    seen, sent = with_network(monkeypatch, network(host=host))
    result = judged(seen, 'scratch_linked')
    assert (result['status'], result['evidence'][0]) == ('pass', 'ch.ev.scratch_linked') and sent == [(28503, '10.10.0.1')]


@pytest.mark.parametrize('inside, host, answers, key, words', [
    # unshare --net and nothing else: lo only
    ([LO], None, None, 'ch.ev.scratch_no_veth', 'has no veth in its network namespace (it has lo)'),
    # the veth moved in but left down (ip link set veth1 up forgotten)
    ([LO, veth(2, 'veth1', 10, 0, up=False, addresses=('10.10.0.2/24',))], None, None, 'ch.ev.scratch_veth_down',
     'veth1 is down'),
    ([LO, veth(2, 'veth1', 10, 0)], None, None, 'ch.ev.scratch_veth_no_address', 'has no IPv4 address'),
    # both ends made inside the process's namespace: the peer is not on the host
    ([LO, veth(2, 'veth1', 3, None, addresses=('10.10.0.2/24',)), veth(3, 'veth0', 2, None)], None, None,
     'ch.ev.scratch_peer_not_host', 'whose other end is not on the host'),
    # the host's veth of that index is somebody else's (its peer is another link)
    (None, [LO, veth(10, 'veth0', 4, 1, master='br0'), bridge(9, 'br0')], None, 'ch.ev.scratch_peer_not_host',
     'not on the host'),
    (None, [LO, bridge(9, 'br0'), veth(10, 'veth0', 2, 1, master='br0', up=False)], None, 'ch.ev.scratch_peer_down',
     'but veth0 is down'),
    (None, [LO, bridge(9, 'br0', up=False), veth(10, 'veth0', 2, 1, master='br0')], None, 'ch.ev.scratch_peer_down',
     'but br0 is down'),
    (None, [LO, bridge(9, 'br0', ()), veth(10, 'veth0', 2, 1, master='br0')], None, 'ch.ev.scratch_peer_no_address',
     'but br0 has no IPv4 address'),
    (None, [LO, veth(10, 'veth0', 2, 1)], None, 'ch.ev.scratch_peer_no_address', 'but veth0 has no IPv4 address'),
    # the peer enslaved to Docker's bridge: not the network rebuilt without Docker
    (None, [LO, bridge(5, 'docker0', ('172.17.0.1/16',)), veth(10, 'veth0', 2, 1, master='docker0')], None,
     'ch.ev.scratch_docker_bridge', 'docker0, a bridge of Docker\'s'),
    # addresses in two networks: the echo goes unanswered
    (None, None, {'10.10.0.1': False}, 'ch.ev.scratch_no_echo', 'to 10.10.0.1 was not answered (no reply)'),
    (None, None, {'10.10.0.1': 'Operation not permitted'}, 'ch.ev.scratch_no_echo', '(Operation not permitted)'),
])
def test_step_three_tells_each_misunderstanding_apart(monkeypatch, inside, host, answers, key, words):
    seen, _sent = with_network(monkeypatch, network(inside, host), answers)
    result = judged(seen, 'scratch_linked')
    assert (result['status'], result['evidence'][0]) == ('fail', key), said(result)
    assert words in said(result)
    for lang in catalog.LANGUAGES:
        assert '?' not in said(result, lang).replace('¿', '').replace('? ', ' ').rstrip('?')


def test_the_recorded_network_gives_the_recorded_line_and_passes_step_three(monkeypatch):
    """`ip -j -d addr` as recorded in the process's namespace and on the VM gives the line the probe printed there."""
    steps = steps_recorded()
    seen, sent = with_network(monkeypatch, {'inside': steps['ip_inside'], 'host': steps['ip_host']})
    line, _sent = probed(monkeypatch, {'inside': steps['ip_inside'], 'host': steps['ip_host']})
    assert line == steps['net_line'] + '\n' and sent == [(28503, '10.10.0.1')]
    result = judged(seen, 'scratch_linked')
    assert (result['status'], result['evidence'][0]) == ('pass', 'ch.ev.scratch_linked_bridge'), said(result)


def test_the_recorded_cgroups_pass_step_four_and_the_other_limit_fails_it():
    steps = steps_recorded()
    seen = recorded()
    for process in seen['processes']:
        process['cgroup'] = steps['process_cgroups'][str(process['pid'])]
    seen['cgroup'] = steps['cgroup']
    result = judged(seen, 'scratch_limited')
    assert (result['status'], result['evidence'][1]['name']) == ('pass', 'flamboyant_nightingale'), said(result)
    seen['cgroup'] = dict(steps['cgroup'], containers=steps['cgroup']['containers'][1:])
    assert 'container awesome_borg\'s cgroup says 33554432' in said(judged(seen, 'scratch_limited'))


def test_no_echo_is_sent_from_a_namespace_with_nothing_to_reach(monkeypatch):
    for inside in ([LO], [LO, veth(2, 'veth1', 10, 0, up=False, addresses=('10.10.0.2/24',))]):
        _line, sent = probed(monkeypatch, network(inside=inside))
        assert sent == []
    _line, sent = probed(monkeypatch, network(host=[LO, bridge(9, 'br0', ('10.10.0.1/24', '10.10.0.9/24', '10.10.0.8/24')),
                                                    veth(10, 'veth0', 2, 1, master='br0')]))
    assert sent == [(28503, '10.10.0.1'), (28503, '10.10.0.9')]


def test_step_three_needs_step_two_and_says_so():
    seen = recorded()
    seen['processes'] = [p for p in seen['processes'] if len(p['nspid']) == 1]
    for step in ('scratch_linked', 'scratch_limited'):
        result = judged(seen, step)
        assert result['evidence'][0] == 'ch.ev.scratch_needs_unshared' and 'first step 2' in said(result)


def test_the_network_line_is_typed_and_bounded():
    good = {'links': [{'name': 'veth1', 'index': 2, 'peer': 10, 'other_netns': True, 'kind': 'veth', 'up': True,
                       'master': '', 'addresses': ['10.10.0.2/24', '300.1.1.1/24', 'x']}],
            'host': [{'name': 'a\x1bb', 'index': -1, 'peer': 'x', 'other_netns': 1, 'kind': 'v' * 40, 'up': 'yes',
                      'master': 7, 'addresses': 'no'}] * 40,
            'echo': [['10.10.0.1/24', True], ['bad', True], ['10.10.0.1', 'x' * 500], ['10.10.0.1']]}
    seen = scratch_challenge.typed_network(json.dumps(good))
    assert seen['links'][0]['addresses'] == ['10.10.0.2/24']
    assert len(seen['host']) == scratch_challenge.MAX_LINKS and seen['host'][0] == {
        'name': '?', 'index': 0, 'peer': 0, 'other_netns': False, 'kind': '?', 'up': False, 'master': '?',
        'addresses': []}
    assert seen['echo'] == [['10.10.0.1', True], ['10.10.0.1', '?']]
    for text in ('{', '[]', 'x' * scratch_challenge.MAX_NET_LINE, json.dumps({'links': 'no', 'error': 'ip: \x00'})):
        assert scratch_challenge.typed_network(text)['links'] == [] and scratch_challenge.typed_network(text)['error']
    # a network line only belongs to the process line just before it
    lines = 'N\t7\t%s\n7\t1:2\t7 1\tpid:[1]\tmnt:[2]\tuts:[3]\tnet:[4]\tbox\nN\t8\t%s' % (json.dumps(good), json.dumps(good))
    assert 'net' not in scratch_challenge.parse_probe(lines, ['1:2'])[0]


# The memory cgroups, as /proc and /sys/fs/cgroup show them on cgroup v1 (this machine, the Docker-in-Docker VMs:
# text recorded on Debian 12's engine) and on cgroup v2 (Debian 12 with systemd).
def steps_recorded():
    with open(os.path.join(HERE, 'scratch_challenge_steps.json'), encoding='utf-8') as handle:
        return json.load(handle)


V1_CGROUP = steps_recorded()['proc_cgroup_v1'].replace('4:memory:/scratch', '4:memory:{path}')
V2_CGROUP = '0::{path}\n'
V1_UNLIMITED = '9223372036854771712'


def cgroup_tree(tmp_path, version, processes, limits):
    """A /proc with processes {pid: (ppid, cgroup path)} and a cgroup mount with limits {path: text}."""
    proc, root = tmp_path / 'proc', tmp_path / 'cgroup'
    for pid, (ppid, path) in processes.items():
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / 'cgroup').write_text((V1_CGROUP if version == 1 else V2_CGROUP).format(path=path))
        (proc / str(pid) / 'stat').write_text('%d (sleep) S %d %d 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 777 0 0\n'
                                              % (pid, ppid, pid))
    mount = root / 'memory' if version == 1 else root
    mount.mkdir(parents=True)
    if version == 2:
        (root / 'cgroup.controllers').write_text('cpu io memory pids\n')
    for path, text in limits.items():
        (mount / path.strip('/')).mkdir(parents=True, exist_ok=True)
        (mount / path.strip('/') / ('memory.max' if version == 2 else 'memory.limit_in_bytes')).write_text(text + '\n')
    return str(proc), str(root)


CONTAINERS = {'limited': {'running': True, 'pid': 900, 'labels': {}},
              'probe': {'running': True, 'pid': 901, 'labels': {PROBE_LABEL: 'true'}},
              'stopped': {'running': False, 'pid': 0, 'labels': {}}}


def limited_seen(tmp_path, version, mine='/scratch', limit='67108864', container_limit='67108864', parent='/docker/4f1c',
                 unlimited=None):
    unlimited = unlimited or (V1_UNLIMITED if version == 1 else 'max')
    docker = '/docker/c0ffee' if version == 1 else '/system.slice/docker-c0ffee.scope'
    proc, root = cgroup_tree(tmp_path, version, {28503: (28490, mine), 28490: (1, parent), 900: (880, docker),
                                                 901: (880, '/docker/probe')},
                             {mine: limit, parent: unlimited, docker: container_limit, '/docker/probe': unlimited})
    seen = recorded()
    scratch_challenge.read_cgroups(seen, CONTAINERS, proc, root)
    return seen


@pytest.mark.parametrize('version', [1, 2])
def test_a_limit_by_hand_and_the_same_from_docker_run_memory_pass_step_four(tmp_path, version):
    seen = limited_seen(tmp_path, version)
    assert [c['name'] for c in seen['cgroup']['containers']] == ['limited']
    result = judged(seen, 'scratch_limited')
    assert (result['status'], result['by_lab']) == ('pass', False), said(result)
    limit_file = 'memory.limit_in_bytes' if version == 1 else 'memory.max'
    assert said(result).startswith('process 28503 is in the memory cgroup /scratch, whose %s is 67108864 bytes'
                                   % limit_file)
    for lang in catalog.LANGUAGES:
        assert '?' not in said(result, lang)


@pytest.mark.parametrize('version', [1, 2])
@pytest.mark.parametrize('how, key, words', [
    # the cgroup made but its limit never written: v1's unlimited number, v2's max
    (dict(limit='unlimited'), 'ch.ev.scratch_no_limit', 'no limit'),
    # the process never moved: still in its parent's (the unshare container's) cgroup
    (dict(mine='/docker/4f1c', limit='unlimited'), 'ch.ev.scratch_not_in_cgroup', 'still in /docker/4f1c'),
    (dict(container_limit='33554432'), 'ch.ev.scratch_other_limit', 'container limited\'s cgroup says 33554432'),
    (dict(container_limit='unlimited'), 'ch.ev.scratch_no_memory_container', 'no running container has a memory limit'),
    # the process left in a docker container's cgroup, which has a limit: not one made by hand
    (dict(mine='/docker/c0ffee'), 'ch.ev.scratch_container_cgroup', 'the cgroup Docker made for container limited'),
])
def test_step_four_tells_each_misunderstanding_apart(tmp_path, version, how, key, words):
    unlimited = V1_UNLIMITED if version == 1 else 'max'
    how = dict((k, unlimited if v == 'unlimited' else v) for k, v in how.items())
    if version == 2 and how.get('mine') == '/docker/c0ffee':
        how['mine'] = '/system.slice/docker-c0ffee.scope'
    if version == 2 and how.get('mine') == '/docker/4f1c':
        how['mine'] = how['parent'] = '/user.slice'
        words = words.replace('/docker/4f1c', '/user.slice')
    seen = limited_seen(tmp_path, version, **how)
    result = judged(seen, 'scratch_limited')
    assert (result['status'], result['evidence'][0]) == ('fail', key), said(result)
    assert words in said(result)


def test_limits_are_parsed_never_trusted():
    assert [scratch_challenge.limit_value(t) for t in ('67108864', 'max', '', '-1', '1e9', '9' * 21, None)] == [
        67108864, 'max', None, None, None, None, None]
    assert scratch_challenge.is_unlimited(int(V1_UNLIMITED)) and scratch_challenge.is_unlimited('max')
    assert not scratch_challenge.is_unlimited(67108864)


def test_a_cgroup_path_not_printable_or_too_long_is_not_kept(tmp_path):
    proc, _root = cgroup_tree(tmp_path, 2, {5: (1, '/a\x1bb'), 6: (1, '/' + 'a' * 600)}, {})
    assert scratch_challenge.cgroup_path(5, 2, proc) is None and scratch_challenge.cgroup_path(6, 2, proc) is None


# lab solve and lab reset for steps 3 and 4 ----------------------------------------------------------------------


def test_solves_unshare_drops_the_hosts_namespace_mounts_before_its_chroot(tmp_path):
    """The unshared process's script, run with stand-ins for findmnt, umount and chroot that log their arguments: the
    engine's network namespace mounts are unmounted (lazily) in the new mount namespace, then the chroot."""
    log = tmp_path / 'log'
    for name, body in (('findmnt', 'echo /run/docker/netns/1a2b; echo /run/docker/netns/3c4d'),
                       ('umount', 'echo umount "$@" >> %s' % log), ('chroot', 'echo chroot "$@" >> %s' % log)):
        (tmp_path / name).write_text('#!/bin/sh\n%s\n' % body)
        (tmp_path / name).chmod(0o755)
    argv = scratch_challenge.unshare_argv('/var/lib/x/rootfs')
    script = argv[argv.index('-c') + 1:]
    subprocess.run(['sh', '-c'] + script, check=True, env={'PATH': '%s:/usr/bin:/bin' % tmp_path})
    assert log.read_text().splitlines() == [
        'umount -l /run/docker/netns/1a2b', 'umount -l /run/docker/netns/3c4d',
        'chroot /var/lib/x/rootfs sh -c hostname container; exec sleep infinity']
    assert '--kill-child' in argv


def test_solve_starts_no_second_process_when_the_labs_runs():
    seen = recorded()
    seen['dirs'] = {'student': {'path': scratch_challenge.STUDENT_ROOTFS, 'kind': 'missing'},
                    'lab': dict(seen['dirs']['student'], path=scratch_challenge.SOLVE_ROOTFS)}
    assert scratch_challenge.solve_unshare({'scratch': seen}, CONFIG, {}) == []
    assert len(scratch_challenge.solve_unshare({'scratch': recorded()}, CONFIG, {})) == 1


def test_solve_links_and_limits_the_labs_process_only_as_root_in_labelled_containers(monkeypatch):
    monkeypatch.setattr(scratch_challenge.scratch_host, 'solve_cgroup',
                        lambda: (1, '/sys/fs/cgroup/memory', '/docker/vm/microlab-scratch-solve'))
    (link,) = scratch_challenge.solve_link({}, CONFIG, {})
    assert link[:3] == ['docker', 'run', '--rm'] and 'microlab.lab=docker_internals' in link
    assert link[link.index('NET_ADMIN') - 1] == '--cap-add'  # ip link add in the host's namespace needs it
    assert link[link.index('nsenter'):] == ['nsenter', 'sha256:' + 'a' * 64, '--target', '1', '--mount', '--net', '--',
                                            'sh', '-c', scratch_challenge.LINK_SCRIPT, 'sh']
    for made in ('ip link add mlscratch1 type bridge', 'ip link set mlscratch1 alias "microlab.lab=docker_internals"',
                 'ip link add mlscr-solve type veth', 'ip link set mlscr-solve alias "microlab.lab=docker_internals"',
                 scratch_challenge.SOLVE_ROOTFS):
        assert made in scratch_challenge.LINK_SCRIPT
    assert scratch_challenge.STUDENT_ROOTFS not in scratch_challenge.LINK_SCRIPT
    limit, container = scratch_challenge.solve_limit({}, CONFIG, {})
    assert limit[-3:] == ['sh', '/sys/fs/cgroup/memory/docker/vm/microlab-scratch-solve', 'memory.limit_in_bytes']
    # PID 1's cgroup namespace too: with cgroup v2 (nsdelegate) the write to cgroup.procs from the container's own
    # namespace failed with EIO (recorded on Debian 12 and 13 VMs with systemd, tests/cgroup2/).
    assert limit[limit.index('--target'):limit.index('--')] == ['--target', '1', '--mount', '--cgroup']
    assert 'echo 67108864 > "$1/$2"' in scratch_challenge.LIMIT_SCRIPT
    assert container[:3] == ['docker', 'run', '-d'] and container[container.index('--memory') + 1] == '67108864'
    assert 'microlab.lab=docker_internals' in container
    done = {'scratch': {'cgroup': {'containers': [{'name': 'x', 'by_lab': True, 'limit': 67108864, 'path': '/d'}]}}}
    assert len(scratch_challenge.solve_limit(done, CONFIG, {})) == 1


def test_solves_scripts_refuse_links_of_the_labs_names_without_its_mark(tmp_path):
    """The marks check, run on a /sys/class/net stand-in: an unmarked mlscratch1 stops the script before any ip."""
    net = tmp_path / 'net'
    (net / 'mlscratch1').mkdir(parents=True)
    (net / 'mlscratch1' / 'ifalias').write_text('br of somebody else\n')
    script = scratch_challenge.MARKED_ONLY.replace('/sys/class/net', str(net)) + 'echo reached'
    done = subprocess.run(['sh', '-c', script], capture_output=True, text=True, check=False)
    assert done.returncode == 1 and 'reached' not in done.stdout and 'mlscratch1 is not the lab' in done.stderr
    (net / 'mlscratch1' / 'ifalias').write_text(scratch_challenge.scratch_host.LINK_MARK + '\n')
    assert subprocess.run(['sh', '-c', script], capture_output=True, text=True, check=True).stdout == 'reached\n'
    assert scratch_challenge.marked_links(str(net)) == ['mlscratch1']
    (net / 'mlscr-solve').mkdir()
    (net / 'mlscr-solve' / 'ifalias').write_text('\n')
    assert scratch_challenge.marked_links(str(net)) == ['mlscratch1']


def test_reset_removes_solves_marked_links_and_its_cgroup_only(monkeypatch, tmp_path):
    monkeypatch.setattr(scratch_challenge, 'SOLVE_ROOTFS', str(tmp_path / 'none'))
    monkeypatch.setattr(scratch_challenge.scratch_host, 'solve_cgroup', lambda: (2, str(tmp_path), '/microlab-scratch-solve'))
    monkeypatch.setattr(scratch_challenge, 'marked_links', lambda: [])
    assert scratch_challenge.challenge_reset(CONFIG) == ([], [])
    monkeypatch.setattr(scratch_challenge, 'marked_links', lambda: ['mlscratch1'])
    (tmp_path / 'microlab-scratch-solve').mkdir()
    names, plan = scratch_challenge.challenge_reset(CONFIG)
    assert names == ['mlscratch1', str(tmp_path / 'microlab-scratch-solve')]
    assert plan[0][-3:] == ['-c', scratch_challenge.UNLINK_SCRIPT, 'sh'] and 'NET_ADMIN' in plan[0]
    assert 'NET_ADMIN' not in plan[1]
    assert plan[1][-4:] == ['-c', scratch_challenge.RMDIR_SCRIPT, 'sh', str(tmp_path / 'microlab-scratch-solve')]
    assert '"microlab.lab=docker_internals" ] || ip link delete $l' in scratch_challenge.UNLINK_SCRIPT
