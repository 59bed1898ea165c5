# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The overlay scenario on observations recorded from a real engine (fixtures/observations/record_overlay.py):
every outcome and step, the faults the judges must tell apart, and the readers that never follow a link."""

from __future__ import annotations

import copy
import json
import os
import stat

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_explain, lab_steps
from ansible_collections.microlab.docker_internals.plugins.module_utils import overlay_fs, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.make import StepError
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import overlay

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')
OPTIONS = {'container': 'overlay_rec_writer', 'twin_container': 'overlay_rec_twin'}
LINKS = dict(OPTIONS, container='overlay_rec_links')
CONFIG = lab_steps.make_config({'images': {'shell': 'microlab.local/lab-shell:bookworm'},
                                'image_ids': {'shell': 'sha256:5e11'}})
CONTAINERD = {'driver': 'overlayfs', 'data_root': '/var/lib/docker', 'driver_type': 'io.containerd.snapshotter.v1'}


def recorded(name):
    with open(os.path.join(HERE, name + '.json'), encoding='utf-8') as handle:
        return json.load(handle)


def judged(observation, options=None):
    return overlay.judge(observation, options or OPTIONS)


def said(result, lang='en'):
    return catalog.render(lang, result['evidence'])


def statuses(results):
    return dict((oid, result['status']) for oid, result in results.items())


# Demo mode ------------------------------------------------------------------------------------


def test_the_lab_as_made_passes_every_outcome_from_the_recorded_engine():
    results = judged(recorded('overlay_demo'))
    assert statuses(results) == dict((oid, 'pass') for oid in overlay.OUTCOMES)
    assert 'overlay_rec_writer\'s root mount (/proc/PID/mountinfo) is the engine\'s overlay: 2 lowerdirs' in said(
        results['overlay_layers'])
    assert said(results['overlay_whiteout']).startswith('/var/lib/docker/overlay2/')
    assert 'character device 0/0' in said(results['overlay_whiteout'])
    for result in results.values():
        for lang in ('es', 'en'):
            assert '?' not in said(result, lang)


def test_links_planted_where_the_files_were_expected_are_never_followed():
    observation = recorded('overlay_demo_links')
    files = observation['overlay']['files']
    # The reader recorded what is there, a link, and read nothing through it (the link points at /etc/shadow).
    assert files['written']['kind'] == 'link' and 'text' not in files['written']
    assert files['changed']['kind'] == 'link' and 'text' not in files['changed']
    results = judged(observation, LINKS)
    assert statuses(results) == {'overlay_layers': 'pass', 'overlay_written': 'fail', 'overlay_copied_up': 'fail',
                                 'overlay_whiteout': 'fail', 'overlay_shared_lower': 'pass'}
    assert said(results['overlay_written']).endswith('lab-written.txt is not a regular file (symbolic link): not read '
                                                     '(a link is never followed)')
    assert said(results['overlay_written'], 'es').endswith('(enlace simbólico): no se lee (un enlace nunca se sigue)')
    assert said(results['overlay_whiteout']).endswith('etc/issue.net does not exist')


def test_an_upperdir_in_mountinfo_that_is_not_the_engines_fails_the_layers():
    observation = recorded('overlay_demo')
    seen = observation['overlay']['containers']['overlay_rec_writer']
    seen['mount']['upper'] = observation['overlay']['containers']['overlay_rec_twin']['graph']['upper']
    result = judged(observation)['overlay_layers']
    assert result['status'] == 'fail' and said(result).startswith('overlay_rec_writer\'s root mount is overlay with '
                                                                  'upperdir /var/lib/docker/overlay2/')
    assert seen['graph']['upper'] in said(result)


def test_a_lower_layer_that_holds_the_change_is_not_a_copy_up():
    observation = recorded('overlay_demo')
    observation['overlay']['files']['changed_lower']['text'] += overlay.MARK + '\n'
    assert judged(observation)['overlay_copied_up']['status'] == 'fail'


def test_only_a_0_0_character_device_is_a_whiteout():
    observation = recorded('overlay_demo')
    observation['overlay']['files']['deleted']['rdev'] = [1, 3]  # /dev/null's numbers
    result = judged(observation)['overlay_whiteout']
    assert result['status'] == 'fail' and said(result).endswith('is not a whiteout, a character device 0/0 '
                                                                '(character device)')


def test_two_containers_with_different_lower_layers_do_not_share_them():
    observation = recorded('overlay_demo')
    twin = observation['overlay']['containers']['overlay_rec_twin']['mount']
    twin['lower'][-1] = twin['lower'][-1].replace('/a0', '/b0')
    assert judged(observation)['overlay_shared_lower']['status'] == 'fail'


def test_another_storage_driver_is_said_not_failed_as_a_missing_file():
    # Recorded on Debian testing's docker.io 28.5.2 with the containerd image store ("containerd-snapshotter" in
    # daemon.json): GraphDriver {"Name": "overlayfs", "Data": null}, the layers containerd's snapshots.
    observation = recorded('overlay_demo_containerd')
    assert observation['overlay']['storage'] == CONTAINERD and observation['engine']['version'] == '28.5.2+dfsg4'
    results = judged(observation, {'container': 'ovwriter', 'twin_container': 'ovtwin'})
    assert set(r['evidence'][0] for r in results.values()) == {'ev.overlay_driver'}
    assert said(results['overlay_written']).startswith('this engine keeps containers with the overlayfs storage '
                                                       'driver (io.containerd.snapshotter.v1), not overlay2')
    text = lab_explain.explain('en', 'overlay', {'overlay': {'container': 'ovwriter', 'twin_container': 'ovtwin'}}, observation,
                               lab_explain.rendered_outcomes('en', results), {'shell': 'img'})
    assert 'this engine uses overlayfs, not overlay2. With the containerd image store' in text


def test_the_lab_on_overlay2_says_nothing_of_other_drivers():
    observation = recorded('overlay_demo')
    results = judged(observation)
    text = lab_explain.explain('es', 'overlay', {'overlay': OPTIONS}, observation,
                               lab_explain.rendered_outcomes('es', results), {'shell': 'img'})
    assert text.startswith('ESCENARIO 5 - EL SISTEMA DE ARCHIVOS OVERLAY') and 'este motor usa' not in text


def test_a_missing_writer_fails_every_outcome_saying_so():
    observation = recorded('overlay_demo')
    observation['containers']['overlay_rec_writer'] = None
    results = judged(observation)
    assert set(said(r) for r in results.values()) == {'overlay_rec_writer does not exist'}


def test_the_registry_judges_the_scenario_with_its_outcomes():
    spec = scenarios.default_spec()
    spec['overlay'] = OPTIONS
    observation = recorded('overlay_demo')
    assert list(scenarios.judge(observation, spec)) == list(overlay.OUTCOMES)


def test_the_writer_makes_the_three_changes_from_a_constant_script():
    writer, twin = overlay.containers({'container': 'a', 'twin_container': 'b'}, {'shell': 'img'})
    assert writer['entrypoint'] == ['sh', '-c'] and writer['command'] == [overlay.WRITER_SCRIPT]
    assert 'rm -f /etc/issue.net' in overlay.WRITER_SCRIPT and twin['image'] == writer['image'] == 'img'


# The readers ----------------------------------------------------------------------------------


def test_paths_from_the_engine_are_kept_only_under_its_data_root():
    root = '/var/lib/docker'
    inspected = {'GraphDriver': {'Name': 'overlay2', 'Data': {
        'LowerDir': root + '/overlay2/x/diff', 'UpperDir': '/etc', 'WorkDir': root + '/overlay2/y/work',
        'MergedDir': root + '/overlay2/y/merged'}}}
    assert overlay_fs.graph_driver(inspected, root) == {'driver': 'overlay2', 'error': 'outside'}
    inspected['GraphDriver']['Data']['UpperDir'] = root + '/overlay2/y/../../../../etc'
    assert overlay_fs.graph_driver(inspected, root)['error'] == 'outside'
    assert not overlay_fs.plain_under(root, root) and not overlay_fs.plain_under(root + 'x/a', root)
    assert overlay_fs.graph_driver({'GraphDriver': {'Name': 'btrfs'}}, root) == {'driver': 'btrfs'}


def test_mountinfo_is_parsed_with_its_escapes_and_optional_fields():
    line = ('274 218 0:93 / /a\\040b rw,relatime master:5 shared:7 - overlay overlay rw,lowerdir=/l1:/l2,'
            'upperdir=/u,workdir=/w\n')
    mount = overlay_fs.parse_mountinfo(line)[0]
    assert mount['mount_point'] == '/a b' and mount['fstype'] == 'overlay'
    assert overlay_fs.overlay_view(mount) == {'mount_point': '/a b', 'fstype': 'overlay', 'lower': ['/l1', '/l2'],
                                              'upper': '/u', 'work': '/w'}
    assert overlay_fs.parse_mountinfo('garbage\n1 2 3\n') == []


def test_short_links_are_read_never_followed_and_only_to_a_layer(tmp_path):
    root = str(tmp_path)
    os.makedirs(root + '/overlay2/l')
    good, bad, plain = 'A' * 26, 'B' * 26, 'C' * 26
    os.symlink('../%s/diff' % ('a' * 64), '%s/overlay2/l/%s' % (root, good))
    os.symlink('../../../../etc', '%s/overlay2/l/%s' % (root, bad))
    os.mkdir('%s/overlay2/l/%s' % (root, plain))
    assert overlay_fs.resolve_lower('%s/overlay2/l/%s' % (root, good), root) == '%s/overlay2/%s/diff' % (root, 'a' * 64)
    assert overlay_fs.resolve_lower('%s/overlay2/l/%s' % (root, bad), root) is None
    assert overlay_fs.resolve_lower('%s/overlay2/l/%s' % (root, plain), root) is None
    assert overlay_fs.resolve_lower('/etc', root) is None
    view = {'mount_point': '/', 'fstype': 'overlay', 'lower': ['%s/overlay2/l/%s' % (root, bad)],
            'upper': root + '/overlay2/u/diff', 'work': root + '/overlay2/u/work'}
    assert overlay_fs.resolved(view, root)['error'] == 'outside'


def test_an_upperdirs_entries_are_read_without_following_anything(tmp_path):
    upper = str(tmp_path)
    secret = tmp_path / 'secret'
    secret.write_text('host secret')
    os.mkdir(upper + '/etc')
    os.symlink(str(secret), upper + '/etc/issue')
    os.symlink(upper + '/etc', upper + '/linked')
    os.mkfifo(upper + '/fifo')
    (tmp_path / 'big').write_bytes(b'x' * (overlay_fs.MAX_TEXT * 3))
    assert overlay_fs.entry(upper, 'etc/issue') == {'path': upper + '/etc/issue', 'kind': 'link'}
    # A link on the way is not followed either.
    assert overlay_fs.entry(upper, 'linked/issue')['kind'] != 'file'
    assert overlay_fs.entry(upper, 'fifo')['kind'] == 'other'  # and the read did not block on it
    assert len(overlay_fs.entry(upper, 'big')['text']) == overlay_fs.MAX_TEXT
    assert overlay_fs.entry(upper, 'nothing')['kind'] == 'missing'
    assert overlay_fs.entry(upper, '../secret')['kind'] == 'other'


def test_a_0_0_character_device_is_a_whiteout(tmp_path):
    os.mknod(str(tmp_path / 'gone'), stat.S_IFCHR | 0o600, os.makedev(0, 0))
    found = overlay_fs.entry(str(tmp_path), 'gone')
    assert found['kind'] == 'chardev' and found['rdev'] == [0, 0] and overlay_fs.is_whiteout(found)


# Challenge mode -------------------------------------------------------------------------------


def steps(observation):
    return lab_steps.judge(observation, CONFIG, list(overlay.STEPS))


def test_a_students_changes_and_own_mount_pass_from_the_recorded_engine():
    results = steps(recorded('overlay_challenge'))
    assert statuses(results) == {'overlay_changes': 'pass', 'overlay_own_mount': 'pass'}
    assert not any(r['by_lab'] for r in results.values())
    assert said(results['overlay_changes']).startswith('overlay_rec_writer\'s upperdir /var/lib/docker/overlay2/')
    assert '/lab-written.txt (added), /etc/issue (copied up) and /etc/issue.net (a whiteout)' in said(
        results['overlay_changes'])
    assert said(results['overlay_own_mount']).startswith('an overlay of yours is mounted at /tmp/overlay-rec-')


def test_changes_in_a_volume_and_a_read_only_overlay_fail_saying_why():
    results = steps(recorded('overlay_challenge_wrong'))
    assert statuses(results) == {'overlay_changes': 'fail', 'overlay_own_mount': 'fail'}
    assert 'has no changed file of the image (C), deleted file of the image (D) yet' in said(results['overlay_changes'])
    assert 'todavía no tiene archivo de la imagen cambiado (C), archivo de la imagen borrado (D)' in said(
        results['overlay_changes'], 'es')
    assert said(results['overlay_own_mount']).endswith('is an overlay without upperdir and workdir: read-only, nothing '
                                                       'you write can go anywhere; give it the three directories')


def test_what_lab_solve_made_is_credited_to_the_lab():
    observation = recorded('overlay_challenge')
    observation['containers']['overlay_rec_writer']['labels'] = {'microlab.lab': 'docker_internals'}
    mount = observation['overlay']['host_mounts'][-1]
    mount['mount_point'] = overlay.SOLVE_DIR + '/merged'
    results = steps(observation)
    assert all(r['status'] == 'pass' and r['by_lab'] for r in results.values())
    assert said(results['overlay_own_mount']).endswith('(made by the lab with `lab solve`, not by you)')


def test_the_kernels_upperdir_must_be_the_engines_in_challenge_mode_too():
    observation = recorded('overlay_challenge')
    for seen in observation['overlay']['containers'].values():
        seen['mount']['upper'] = '/var/lib/docker/overlay2/other/diff'
    result = steps(observation)['overlay_changes']
    assert result['status'] == 'fail' and 'docker inspect and /proc/PID/mountinfo disagree' in said(result)


def test_challenge_on_another_driver_says_so():
    observation = recorded('overlay_challenge')
    observation['overlay']['storage'] = CONTAINERD
    assert steps(observation)['overlay_changes']['evidence'][0] == 'ev.overlay_driver'


def test_docker_diff_is_parsed_bounded_and_only_leaves_count():
    changes = overlay.parse_changes('C /etc\nC /etc/issue\nA /x\nD /etc/issue.net\nX /y\nA relative\n')
    assert changes == [{'kind': 'C', 'path': '/etc'}, {'kind': 'C', 'path': '/etc/issue'}, {'kind': 'A', 'path': '/x'},
                       {'kind': 'D', 'path': '/etc/issue.net'}]
    assert overlay.leaves(changes, 'C') == ['/etc/issue']
    assert len(overlay.parse_changes('A /x\n' * (overlay.MAX_CHANGES + 10))) == overlay.MAX_CHANGES


def test_solve_runs_argv_only_with_constant_values_and_the_labs_labels():
    fresh = {'engine': {'reachable': True}, 'containers': {}, 'overlay': {'storage': {}, 'containers': {},
                                                                          'host_mounts': [], 'mount_pid': 4242}}
    results = steps(fresh)
    writer = lab_steps.solve_plan('overlay_changes', fresh, CONFIG, results)
    assert writer == [('overlay_writer', ['docker', 'run', '-d', '--name', 'lab_overlay', '--label',
                                          'microlab.lab=docker_internals', '--label', 'microlab.lab.scenario=overlay',
                                          '--entrypoint', 'sh', 'microlab.local/lab-shell:bookworm', '-c',
                                          overlay.WRITER_SCRIPT])]
    mount = lab_steps.solve_plan('overlay_own_mount', fresh, CONFIG, results)
    assert [action for action, _argv in mount] == ['overlay_mount', 'overlay_mount']
    assert all('microlab.lab=docker_internals' in argv and 'sha256:5e11' in argv for _action, argv in mount)
    assert mount[1][1][mount[1][1].index('--target'):][:4] == ['--target', '4242', '--mount', '--']
    assert mount[1][1][-3:] == ['-o', 'lowerdir=/run/microlab-overlay/lower,upperdir=/run/microlab-overlay/'
                                'upper,workdir=/run/microlab-overlay/work', '/run/microlab-overlay/merged']
    done = copy.deepcopy(recorded('overlay_challenge'))
    assert lab_steps.solve_plan('overlay_own_mount', done, CONFIG, steps(done)) == []


def test_the_data_root_is_kept_only_as_a_plain_absolute_path():
    info = {'Driver': 'overlay2', 'DockerRootDir': '/var/lib/docker/100000.100000', 'DriverStatus': [['a', 'b']]}
    assert overlay_fs.storage(info) == {'driver': 'overlay2', 'data_root': '/var/lib/docker/100000.100000',
                                        'driver_type': ''}
    for bad in ('/', 'var/lib/docker', '/var/lib/../docker', '', None):
        assert overlay_fs.storage(dict(info, DockerRootDir=bad))['data_root'] == ''


def test_solve_will_not_mount_without_the_namespace_it_judges_in():
    fresh = {'engine': {'reachable': True}, 'containers': {}, 'overlay': {'host_mounts': []}}
    with pytest.raises(StepError) as caught:
        lab_steps.solve_plan('overlay_own_mount', fresh, CONFIG, steps(fresh))
    assert caught.value.key == 'ch.err.overlay_no_namespace'


def mountinfo(tmp_path, *lines):
    (tmp_path / 'self').mkdir()
    (tmp_path / 'self' / 'mountinfo').write_text(''.join(
        '%d 27 0:%d / %s rw,relatime - overlay overlay rw,%s\n' % (40 + i, 150 + i, point, options)
        for i, (point, options) in enumerate(lines)))
    return str(tmp_path)


LAB_MOUNT = (overlay.SOLVE_DIR + '/merged', 'lowerdir=%(lower)s,upperdir=%(upper)s,workdir=%(work)s' % overlay.SOLVE_DIRS)


def test_reset_unmounts_the_labs_overlay_and_never_a_students(tmp_path):
    students = [('/tmp/ov/merged', 'lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,workdir=/tmp/ov/work'),
                # The lab's place with the student's own directories: the student's mount, kept.
                (overlay.SOLVE_DIR + '/merged', 'lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,workdir=/tmp/ov/work')]
    names, plan = overlay.challenge_reset(CONFIG, mountinfo(tmp_path, *(students + [LAB_MOUNT])))
    unmounts = [argv for argv in plan if 'umount' in argv]
    assert names == [overlay.SOLVE_DIR] and len(unmounts) == 1
    assert unmounts[0][-2:] == ['umount', overlay.SOLVE_DIR + '/merged']
    assert 'microlab.lab=docker_internals' in unmounts[0] and not any('/tmp/ov' in ' '.join(argv) for argv in plan)


def test_reset_with_only_a_students_overlay_removes_the_labs_directory_only(tmp_path, monkeypatch):
    monkeypatch.setattr(overlay.os.path, 'lexists', lambda path: path == overlay.SOLVE_DIR)
    names, plan = overlay.challenge_reset(CONFIG, mountinfo(tmp_path, ('/tmp/ov/merged', 'lowerdir=/tmp/ov/lower')))
    assert names == [overlay.SOLVE_DIR] and len(plan) == 1
    assert plan[0][-5:] == ['--', 'rm', '-rf', '--one-file-system', overlay.SOLVE_DIR]


def test_reset_keeps_the_labs_directory_while_a_students_mount_is_under_it(tmp_path, monkeypatch):
    monkeypatch.setattr(overlay.os.path, 'lexists', lambda path: path == overlay.SOLVE_DIR)
    student = (overlay.SOLVE_DIR + '/merged', 'lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w')
    assert overlay.challenge_reset(CONFIG, mountinfo(tmp_path, student)) == ([], [])


def reset_yml(tmp_path, monkeypatch, *lines, check_mode=False):
    """What reset.yml's lab_make (remove_outside) removes of the overlay scenario's, and the commands it ran."""
    ran = []
    monkeypatch.setattr(overlay.host_command, 'run', ran.append)
    monkeypatch.setattr(overlay.os.path, 'lexists', lambda path: path == overlay.SOLVE_DIR)
    gone = overlay.OUTSIDE.remove(check_mode, mountinfo=mountinfo(tmp_path, *lines) + '/self/mountinfo')
    return gone, ran


def test_reset_yml_unmounts_only_the_labs_overlay_then_removes_its_directory(tmp_path, monkeypatch):
    student = ('/tmp/ov/merged', 'lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,workdir=/tmp/ov/work')
    gone, ran = reset_yml(tmp_path, monkeypatch, student, LAB_MOUNT)
    assert ran == [['umount', overlay.SOLVE_DIR + '/merged'], ['rm', '-rf', '--one-file-system', overlay.SOLVE_DIR]]
    assert gone == [overlay.SOLVE_DIR + '/merged', overlay.SOLVE_DIR]


def test_reset_yml_in_check_mode_says_what_would_go_and_runs_nothing(tmp_path, monkeypatch):
    assert reset_yml(tmp_path, monkeypatch, LAB_MOUNT, check_mode=True) == (
        [overlay.SOLVE_DIR + '/merged', overlay.SOLVE_DIR], [])


def test_reset_yml_keeps_the_labs_directory_while_a_students_mount_is_under_it(tmp_path, monkeypatch):
    student = (overlay.SOLVE_DIR + '/merged', 'lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w')
    assert reset_yml(tmp_path, monkeypatch, student) == ([], [])


def test_reset_yml_fails_when_it_cannot_read_the_mounts(tmp_path):
    with pytest.raises(OSError) as caught:
        overlay.OUTSIDE.remove(mountinfo=str(tmp_path / 'missing'))
    assert 'missing' in str(caught.value)


def test_the_demo_makes_nothing_outside_the_engine():
    assert overlay.OUTSIDE.spec({}, {}) is None and overlay.OUTSIDE.make(None, None, 'es') == []
    assert 'overlay' not in scenarios.outside_specs({'overlay': {}}, {})
