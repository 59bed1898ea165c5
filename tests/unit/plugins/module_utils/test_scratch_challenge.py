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
    for step in scratch.STEPS:
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
    for step in scratch.STEPS:
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
    for step in scratch.STEPS:
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
    out = subprocess.run(['sh', '-c', scratch_challenge.PROBE_SCRIPT, 'sh', key], capture_output=True, text=True,
                         check=True).stdout
    line = [text for text in out.splitlines() if text.startswith('%d\t' % os.getpid())]
    mine = scratch_challenge.parse_probe('\n'.join(line), [key])
    host = scratch_challenge.host_view()
    assert mine and mine[0]['nspid'][0] == os.getpid() and mine[0]['ns'] == host['ns']


def test_the_probe_is_the_labs_image_by_id_labelled_with_the_keys_as_arguments():
    argv = scratch_challenge.probe_argv(CONFIG, ['1:2', '3:4'])
    assert argv[:3] == ['docker', 'run', '--rm'] and '%s=true' % PROBE_LABEL in argv
    assert argv[argv.index('--entrypoint') + 2] == 'sha256:' + 'a' * 64
    assert argv[-5:] == ['-c', scratch_challenge.PROBE_SCRIPT, 'sh', '1:2', '3:4']


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
    assert unshare[unshare.index('unshare'):unshare.index('chroot')] == [
        'unshare', '--pid', '--mount', '--uts', '--net', '--fork', '--mount-proc=%s/proc' % scratch_challenge.SOLVE_ROOTFS]
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
