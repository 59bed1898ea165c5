# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The files scenario: its judges on recorded observations (fixtures/observations/files_*.json, record_files.py
says how they were made) and small edits of them, its challenge judges, what it makes, and the host-side readers
of write_access.py on real directories."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, input_rules, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils import write_access
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import make_config
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import files

OBSERVATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')


def options(name):
    """The options a recording was observed with (record_files.spec)."""
    short = name.split('_', 1)[1]
    return dict(scenarios.default_spec()['files'], owner_container='fj_%s_owner' % short,
                other_container='fj_%s_other' % short, root_container='fj_%s_root' % short,
                share_dir='/srv/fj_%s' % short)


def recorded(name):
    with open(os.path.join(OBSERVATIONS, name + '.json')) as handle:
        return json.load(handle)


def judged(name, observation=None):
    return files.judge(observation or recorded(name), options(name))


def said(result, lang='en'):
    return catalog.render(lang, result['evidence'])


# Demo mode: the recordings -----------------------------------------------------------------------------------


def test_the_scenario_as_lab_yml_makes_it_passes_with_the_hosts_evidence():
    results = judged('files_live')
    assert dict((oid, r['status']) for oid, r in results.items()) == dict.fromkeys(files.OUTCOMES, 'pass')
    assert said(results['files_other_refused']) == (
        "fj_live_other's process (host UID 4321, GID 0) may not write in /srv/fj_live/owned (owner 1234, mode 0755): "
        "EACCES, says the host's kernel (faccessat by a process with its credentials)")
    assert said(results['files_root_writes'], 'es') == (
        '/srv/fj_live/open/written-by-root pertenece al UID 0 del host: root en fj_live_root (pid 10684) es el root '
        'del host (sin userns-remap)')


def test_a_directory_open_to_everyone_is_not_a_refusal():
    results = judged('files_open')
    assert results['files_owner_writes']['status'] == 'pass'
    assert results['files_other_refused']['status'] == 'fail'
    assert said(results['files_other_refused']) == ('/srv/fj_open/owned/written-by-4321 exists, owned by UID 4321: '
                                                    'the write was not refused')


def test_the_host_allowing_the_other_uid_fails_even_before_it_writes():
    """The same open directory, the file not (yet) there: the kernel's answer alone fails the outcome."""
    observation = recorded('files_open')
    listing = observation['permissions']['owned']
    listing['files'] = [item for item in listing['files'] if item['name'] != 'written-by-4321']
    result = judged('files_open', observation)['files_other_refused']
    assert result['status'] == 'fail'
    assert said(result).endswith('MAY write in /srv/fj_open/owned (owner 1234, mode 0777), says the host\'s kernel '
                                 '(faccessat by a process with its credentials): the directory is open to it')


def test_a_directory_of_another_owner_fails_the_uid_outcomes_naming_the_owner():
    results = judged('files_wrong_owner')
    for oid in ('files_owner_writes', 'files_other_refused'):
        assert results[oid]['status'] == 'fail'
        assert said(results[oid]) == '/srv/fj_wrong_owner/owned belongs to UID 1000 on the host (mode 0755), not to UID 1234'
    assert results['files_root_writes']['status'] == 'pass'


def test_a_link_in_place_of_the_directory_is_never_followed():
    results = judged('files_link')
    assert results['files_owner_writes']['status'] == results['files_other_refused']['status'] == 'fail'
    assert said(results['files_owner_writes'], 'es') == ('/srv/fj_link/owned en el host no es un directorio (es un '
                                                         'enlace u otra cosa), así que no se lee')


def test_a_container_of_another_uid_than_asked_fails_saying_which():
    observation = recorded('files_live')
    for process in observation['processes']['fj_live_other']['processes']:
        process['host_uid'] = 1234
    result = judged('files_live', observation)['files_other_refused']
    assert result['status'] == 'fail' and said(result) == 'fj_live_other runs as host UID 1234, not 4321'


def test_the_owners_file_missing_fails():
    observation = recorded('files_live')
    observation['permissions']['owned']['files'] = []
    result = judged('files_live', observation)['files_owner_writes']
    assert result['status'] == 'fail'
    assert said(result) == '/srv/fj_live/owned/written-by-1234 is not on the host: nobody wrote it'


def test_roots_file_of_another_uid_than_its_root_fails():
    """With userns-remap root's file belongs to the subordinate UID; a file of UID 0 then does not match."""
    observation = recorded('files_live')
    facts = observation['processes']['fj_live_root']
    facts['userns_remapped'] = True
    for process in facts['processes']:
        process['host_uid'] = 100000
    result = judged('files_live', observation)['files_root_writes']
    assert result['status'] == 'fail'
    assert said(result) == '/srv/fj_live/open/written-by-root on the host belongs to UID 0 (UID 100000 expected)'
    observation['permissions']['open']['files'][0]['uid'] = 100000
    result = judged('files_live', observation)['files_root_writes']
    assert result['status'] == 'pass' and said(result).endswith(
        'is host UID 100000 (userns-remap: a subordinate UID, not root)')


def test_a_stopped_other_container_is_not_asked():
    observation = recorded('files_live')
    observation['containers']['fj_live_other'].update(running=False, state='exited', pid=0)
    del observation['processes']['fj_live_other']
    result = judged('files_live', observation)['files_other_refused']
    assert result['status'] == 'fail' and 'is not running' in said(result)


# Make and input ----------------------------------------------------------------------------------------------


def test_the_containers_write_then_sleep_and_only_roots_follows_userns_remap():
    made = files.containers(scenarios.default_spec()['files'], {'shell': 'shell:1'})
    assert [(c['name'], c['user'], c.get('userns_mode', ''), c['volumes']) for c in made] == [
        ('lab_files_owner', '1234', 'host', ['/srv/lab_files/owned:/data']),
        ('lab_files_other', '4321', 'host', ['/srv/lab_files/owned:/data']),
        ('lab_files_root', '0', '', ['/srv/lab_files/open:/data'])]
    assert made[1]['command'] == ['touch /data/written-by-4321; exec sleep infinity']


def test_the_units_rules_are_checked_by_lab_input():
    values = dict(('lab_files_%s' % name, option.default) for name, option in files.OPTIONS.items())
    assert input_rules.problems('lab_files', values, 'en') == []
    values.update(lab_files_other_uid=1234, lab_files_root_container='lab_files_owner', lab_files_share_dir='/etc')
    assert len(input_rules.problems('lab_files', values, 'en')) == 3


@pytest.mark.parametrize('unit', scenarios.UNITS, ids=lambda unit: unit.NAME)
def test_every_units_rules_are_known_kinds_of_its_roles_variables(unit):
    for rule in unit.RULES:
        assert rule[0] in input_rules.CHECKS
        assert all(name.startswith(unit.ROLE + '_') for name in rule[1:] if isinstance(name, str))


# Challenge mode ----------------------------------------------------------------------------------------------

CONFIG = make_config({'images': {'shell': 'shell:1'}})
OWNED = '/srv/lab_files/owned'


def listing(path, found):
    return {'path': path, 'files': [{'name': name, 'uid': uid, 'regular': True} for name, uid in found]}


def challenge(owned=(), opened=(), checks=None, owner=1234, containers=None):
    return {'engine': {'reachable': True}, 'containers': containers or {}, 'processes': {},
            'permissions': {'owned': listing(OWNED, owned), 'open': listing('/srv/lab_files/open', opened),
                            'owned_dir': {'path': OWNED, 'uid': owner, 'gid': owner, 'mode': '0755',
                                          'directory': True},
                            'checks': checks or {}}}


def check(uid, errno='EACCES', method='mode'):
    return {'path': OWNED, 'uid': uid, 'gid': 0, 'groups': [0], 'owner': 1234, 'group': 1234, 'mode': '0755',
            'errno': errno, 'method': method}


def steps(observation):
    return files.judge_steps(observation, CONFIG, files.STEPS)


def test_the_students_own_files_and_refusal_pass():
    results = steps(challenge([('mine', 1234)], [('root-file', 0)], {'eager': check(4321)}))
    assert [(r['status'], r['by_lab']) for r in results.values()] == [('pass', False)] * 3


def test_an_other_uid_allowed_by_group_0_fails_saying_so_in_both_languages():
    result = steps(challenge(checks={'eager': dict(check(4321, errno=''), mode='0775')}))['files_other_refused']
    assert result['status'] == 'fail'
    assert 'MAY write in' in said(result) and 'SÍ puede escribir en' in said(result, 'es')


def test_root_and_the_owner_are_not_the_other_uid():
    result = steps(challenge(checks={'a': check(0, errno=''), 'b': check(1234, errno='')}))['files_other_refused']
    assert result['status'] == 'fail' and said(result).startswith('no running container with ' + OWNED)


def test_a_fresh_vm_fails_every_step_saying_what_is_missing():
    observation = challenge()
    observation['permissions']['owned_dir'] = {'path': OWNED, 'error': 'No such file or directory'}
    observation['permissions']['open'] = {'path': '/srv/lab_files/open', 'error': 'No such file or directory'}
    results = steps(observation)
    assert set(r['status'] for r in results.values()) == {'fail'}
    assert said(results['files_owner_writes']) == OWNED + ' could not be read on the host (No such file or directory)'


def test_solve_makes_the_directories_then_the_chapters_containers_labelled():
    observation = challenge(owner=0)
    results = steps(observation)
    plan = [(action, argv) for step in files.STEPS for action in files.SOLVE[step]
            for argv in files.ACTIONS[action](observation, CONFIG, results)]
    assert [action for action, _argv in plan] == ['files_dirs', 'files_owner', 'files_dirs', 'files_other',
                                                  'files_dirs', 'files_root']
    owner = plan[1][1]
    assert owner[:8] == ['docker', 'run', '-d', '--name', 'lab_files_owner', '--user', '1234', '--label']
    assert owner[-3:] == ['shell:1', '-c', 'touch /data/written-by-1234; exec sleep infinity']
    assert '/srv/lab_files:/data' in plan[0][1]


# write_access on real directories ----------------------------------------------------------------------------


@pytest.mark.parametrize('owner, group, mode, creds, denied', [
    (1234, 1234, 0o755, {'uid': 1234, 'gid': 1234, 'groups': []}, ''),
    (1234, 1234, 0o755, {'uid': 4321, 'gid': 0, 'groups': [0]}, 'EACCES'),
    (1234, 0, 0o775, {'uid': 4321, 'gid': 0, 'groups': [0]}, ''),        # group 0: docker run --user's GID
    (1234, 5, 0o775, {'uid': 4321, 'gid': 0, 'groups': [5]}, ''),        # a supplementary group
    (1234, 1234, 0o757, {'uid': 1234, 'gid': 1234, 'groups': []}, ''),   # the owner's bits, not the others'
    (1234, 1234, 0o577, {'uid': 1234, 'gid': 1234, 'groups': []}, 'EACCES'),
    (1234, 1234, 0o733, {'uid': 4321, 'gid': 0, 'groups': []}, ''),      # write and search only
    (1234, 1234, 0o000, {'uid': 0, 'gid': 0, 'groups': []}, ''),         # root
])
def test_by_mode_is_the_kernels_rule_for_owner_group_and_others(owner, group, mode, creds, denied):
    assert write_access.by_mode(owner, group, mode, creds) == denied


def test_may_write_asks_the_kernel_as_root_and_the_mode_bits_otherwise(tmp_path):
    owned = tmp_path / 'owned'
    owned.mkdir(mode=0o755)
    found = write_access.may_write(str(owned), os.getpid())
    expected = ('kernel', '') if os.geteuid() == 0 else ('mode', '')
    assert (found['method'], found['errno']) == expected and found['mode'] == '0755'


def test_a_link_anywhere_on_the_path_is_refused_not_followed(tmp_path):
    (tmp_path / 'real').mkdir()
    (tmp_path / 'real' / 'owned').mkdir()
    os.symlink(str(tmp_path / 'real'), str(tmp_path / 'link'))
    assert write_access.entries(str(tmp_path / 'link' / 'owned'))['error']
    assert write_access.may_write(str(tmp_path / 'link' / 'owned'), os.getpid())['error']
    assert write_access.describe(str(tmp_path / 'link'))['directory'] is False


def test_entries_are_lstat_and_names_are_shown_only_when_plain(tmp_path):
    (tmp_path / 'written-by-1234').write_text('')
    (tmp_path / 'evil\nname;$(x)').write_text('')
    os.symlink('/etc/passwd', str(tmp_path / 'link'))
    found = write_access.entries(str(tmp_path))['files']
    assert [(item['name'], item['regular']) for item in found] == [('?', True), ('link', False),
                                                                   ('written-by-1234', True)]


def test_entries_read_at_most_the_limit(tmp_path):
    for number in range(5):
        (tmp_path / ('f%d' % number)).write_text('')
    assert len(write_access.entries(str(tmp_path), limit=3)['files']) == 3


def test_a_relative_or_dotted_path_is_refused():
    assert write_access.entries('srv/lab_files')['error'] and write_access.entries('/srv/../etc')['error']


def test_recorded_observations_hold_what_they_claim():
    """record_files.py made each shape: the recordings were not edited by hand."""
    live = recorded('files_live')['permissions']
    assert live['checks']['fj_live_other']['errno'] == 'EACCES' and live['checks']['fj_live_other']['method'] == 'kernel'
    assert recorded('files_open')['permissions']['checks']['fj_open_other']['errno'] == ''


def test_challenge_asks_the_host_about_a_bounded_number_of_containers(monkeypatch):
    asked = []
    monkeypatch.setattr(write_access, 'may_write', lambda path, pid, proc: asked.append(pid) or check(4321))
    running = dict(('c%02d' % n, {'name': 'c%02d' % n, 'running': True, 'pid': 100 + n, 'labels': {},
                                  'mounts': [{'type': 'bind', 'source': OWNED, 'destination': '/data'}]})
                   for n in range(20))
    running['elsewhere'] = {'name': 'elsewhere', 'running': True, 'pid': 99, 'labels': {}, 'mounts': []}
    observation = {'containers': running}
    files.challenge_read(observation, CONFIG, '/proc')
    assert asked == list(range(100, 100 + files.MAX_CHECKED))
    assert sorted(observation['permissions']['checks']) == ['c%02d' % n for n in range(files.MAX_CHECKED)]
