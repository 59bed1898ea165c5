# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_make's plan (what a listing says is missing), its directories (on tmp_path, never through a link) and its
calls to the engine (a recording fake: the real engine makes them in the system and Molecule tests)."""

from __future__ import annotations

import json
import os
import re
import stat
import threading

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_make
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import SPEC_LABEL
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_make import (
    containers_to_start, networks_to_create, refusals, spec_hash)

IMAGE = 'microlab.local/lab-shell:bookworm'
LAB = {'microlab.lab': 'docker_internals', 'microlab.lab.scenario': 'users'}
SPEC = {'name': 'lab_user_root', 'image': IMAGE, 'entrypoint': ['sleep'], 'command': ['infinity'], 'user': '0',
        'labels': LAB}
LONELY = dict(SPEC, name='curl_lonely', network='lonely_curl', user='')
NETWORK = {'name': 'lonely_curl', 'labels': LAB}


def listed(spec=None, **changes):
    """One entry of the engine's container listing (GET /containers/json), as for a container made from spec."""
    spec = spec or SPEC
    entry = {'Names': ['/' + spec['name']], 'Image': spec['image'], 'State': 'running',
             'Labels': dict(spec['labels'], **{SPEC_LABEL: spec_hash(spec), 'microlab.image': 'docker_internals'}),
             'NetworkSettings': {'Networks': {spec.get('network') or 'bridge': {'IPAddress': '172.17.0.2'}}}}
    entry.update(changes)
    return entry


# Plan ------------------------------------------------------------------------------------------


def test_a_running_container_from_the_same_spec_needs_nothing():
    assert containers_to_start([SPEC], [listed()]) == []


@pytest.mark.parametrize('containers, recreate', [
    pytest.param([], False, id='missing'),
    pytest.param([listed(Names=['/lab_user_root_2'])], False, id='only-a-longer-name'),
    pytest.param([listed(State='exited')], False, id='stopped'),
    pytest.param([listed(State='created')], False, id='created-never-started'),
    pytest.param([listed(Image='sha256:0123456789ab')], True, id='image-tag-moved'),
    pytest.param([listed(Labels=dict(LAB, **{SPEC_LABEL: 'older'}))], True, id='other-spec'),
    pytest.param([listed(Labels=dict(LAB))], True, id='no-spec-label'),
    pytest.param([listed(NetworkSettings={'Networks': {}})], True, id='on-no-network'),
    pytest.param([listed(NetworkSettings={'Networks': {'lonely_curl': {}}})], True, id='on-another-network'),
    pytest.param([listed(State='exited', NetworkSettings={'Networks': {}})], True, id='stopped-and-on-no-network'),
])
def test_a_container_that_is_not_as_specified_is_returned_with_the_spec_label(containers, recreate):
    to_start = containers_to_start([SPEC], containers)
    assert to_start == [dict(SPEC, labels=dict(LAB, **{SPEC_LABEL: spec_hash(SPEC)}), recreate=recreate)]


def test_a_container_on_its_user_defined_network_is_as_specified():
    assert containers_to_start([LONELY], [listed(LONELY)]) == []
    assert containers_to_start([LONELY], [listed(LONELY, NetworkSettings={'Networks': {'bridge': {}}})]) != []


def test_only_the_containers_that_need_it_are_returned_in_spec_order():
    other = dict(SPEC, name='lab_user_1234', user='1234')
    third = dict(SPEC, name='lab_user_remapped')
    to_start = containers_to_start([SPEC, other, third], [listed(other), listed(third, State='exited')])
    assert [spec['name'] for spec in to_start] == ['lab_user_root', 'lab_user_remapped']


def test_changing_any_option_changes_the_hash_but_key_order_and_empty_options_do_not():
    assert spec_hash(dict(SPEC, user='1234')) != spec_hash(SPEC)
    assert spec_hash(dict(reversed(list(SPEC.items())))) == spec_hash(SPEC)
    # The module fills the options a scenario left out with '' and []: the container is still as specified.
    assert spec_hash(dict(SPEC, network='', userns_mode='', volumes=[])) == spec_hash(SPEC)


@pytest.mark.parametrize('lang, pattern', [
    ('en', r'A container named lab_user_root already exists and is not the lab.s.*docker rename.*'),
    ('es', r'Ya existe un contenedor llamado lab_user_root que no es del laboratorio.*docker rename.*'),
])
def test_a_users_container_with_the_same_name_is_never_replaced(lang, pattern):
    theirs = {'Names': ['/lab_user_root'], 'Image': 'debian:12', 'State': 'running', 'Labels': {'owner': 'ana'}}
    assert containers_to_start([SPEC], [theirs]) == []
    refusal, = refusals([SPEC], [theirs], [], [], lang)
    assert re.fullmatch(pattern, refusal, re.S), refusal
    assert refusals([SPEC], [listed()], [], [], lang) == []


@pytest.mark.parametrize('listing, expected', [
    ([], ['lonely_curl']),
    ([{'Name': 'lonely_curl', 'Labels': LAB}], []),
    ([{'Name': 'other', 'Labels': {}}], ['lonely_curl']),
])
def test_networks_to_create_are_the_missing_ones(listing, expected):
    assert [s['name'] for s in networks_to_create([NETWORK], listing)] == expected


@pytest.mark.parametrize('lang, words', [('es', 'no es del laboratorio'), ('en', "is not the lab's")])
def test_a_same_named_network_that_is_not_the_labs_is_refused_in_the_students_language(lang, words):
    theirs = [{'Name': 'lonely_curl', 'Labels': None}]
    assert networks_to_create([NETWORK], theirs) == []
    refusal, = refusals([SPEC], [listed()], [NETWORK], theirs, lang)
    assert words in refusal and 'lonely_curl' in refusal and '\n' not in refusal
    assert len(refusals([SPEC], [dict(listed(), Labels={})], [NETWORK], theirs, lang)) == 2


# Directories -----------------------------------------------------------------------------------

ME = os.getuid()


def directory(path, mode='0755', owner=ME):
    return {'path': str(path), 'owner': owner, 'mode': int(mode, 8)}


def test_a_missing_directory_is_made_with_its_parents_owner_and_exact_mode(tmp_path):
    spec = directory(tmp_path / 'share' / 'open', '1777')
    assert lab_make.directory_changes(spec, 'en') == ['create']
    lab_make.make_directory(spec)
    found = os.lstat(spec['path'])
    assert stat.S_ISDIR(found.st_mode) and stat.S_IMODE(found.st_mode) == 0o1777  # the umask does not apply
    assert (found.st_uid, found.st_gid) == (ME, ME)
    assert lab_make.directory_changes(spec, 'en') == []


def test_a_directory_with_another_mode_is_corrected(tmp_path):
    os.chmod(tmp_path, 0o1777)
    spec = directory(tmp_path, '0777')
    assert lab_make.directory_changes(spec, 'en') == ['mode']
    lab_make.make_directory(spec)
    assert stat.S_IMODE(os.lstat(tmp_path).st_mode) == 0o777


@pytest.mark.skipif(os.getuid() != 0, reason='another owner needs root')
def test_a_directory_with_another_owner_is_corrected_as_root(tmp_path):
    spec = directory(tmp_path / 'owned', owner=1234)
    os.mkdir(spec['path'], 0o755)
    assert lab_make.directory_changes(spec, 'en') == ['owner']
    lab_make.make_directory(spec)
    assert (os.lstat(spec['path']).st_uid, os.lstat(spec['path']).st_gid) == (1234, 1234)


@pytest.mark.parametrize('lang, words', [('es', 'enlace simbólico'), ('en', 'symbolic link')])
def test_a_directory_that_is_a_link_is_refused_and_its_target_never_touched(tmp_path, lang, words):
    target = tmp_path / 'etc'
    target.mkdir(mode=0o755)
    (tmp_path / 'open').symlink_to(target)
    spec = directory(tmp_path / 'open', '0777')
    with pytest.raises(lab_make.Refused, match=words):
        lab_make.directory_changes(spec, lang)
    with pytest.raises(OSError):
        lab_make.make_directory(spec)  # even when asked directly: O_NOFOLLOW
    assert stat.S_IMODE(os.lstat(target).st_mode) == 0o755


def test_a_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / 'open').write_text('mine')
    with pytest.raises(lab_make.Refused, match=re.escape(catalog.text('es', 'err.dir_not_dir', path=str(tmp_path / 'open')))):
        lab_make.directory_changes(directory(tmp_path / 'open'), 'es')


# Engine ----------------------------------------------------------------------------------------


class FakeEngine(object):
    """The engine's API as lab_make uses it: listings given, every other request recorded (from any thread)."""

    def __init__(self, containers=(), networks=(), fail=None):
        self.listing = {'/containers/json?all=1': list(containers), '/networks': list(networks)}
        self.requests, self.fail, self.lock, self.connections = [], fail, threading.Lock(), 0

    def __call__(self):
        with self.lock:
            self.connections += 1
        return self

    def request(self, method, path, body=None):
        if method == 'GET':
            return 200, self.listing[path]
        with self.lock:
            self.requests.append((method, path, body))
        if self.fail and self.fail in path:
            return 409, {'message': 'Conflict. The container name is already in use'}
        return (201, {'Id': 'abc'}) if path.startswith(('/containers/create', '/networks/create')) else (204, None)

    def close(self):
        pass

    def paths(self):
        return sorted((method, path) for method, path, _body in self.requests)


def plan(containers=(SPEC,), networks=(), directories=()):
    return {'containers': list(containers), 'networks': list(networks), 'directories': list(directories)}


def test_a_fresh_vm_gets_its_network_first_then_every_container_created_and_started():
    engine = FakeEngine()
    done = lab_make.make(engine, plan([SPEC, LONELY], [NETWORK]), 'es')
    assert done == {'changed': True, 'directories': [], 'networks': ['lonely_curl'],
                    'containers': ['lab_user_root', 'curl_lonely'], 'outside': []}
    network = {'Name': 'lonely_curl', 'Labels': LAB, 'CheckDuplicate': True}
    assert engine.requests[0] == ('POST', '/networks/create', network)
    assert engine.paths()[:-1] == sorted([
        ('POST', '/containers/create?name=lab_user_root'), ('POST', '/containers/lab_user_root/start'),
        ('POST', '/containers/create?name=curl_lonely'), ('POST', '/containers/curl_lonely/start')])
    bodies = dict((path, body) for _method, path, body in engine.requests)
    assert bodies['/containers/create?name=curl_lonely'] == {
        'Image': IMAGE, 'Entrypoint': ['sleep'], 'Cmd': ['infinity'],
        'Labels': dict(LAB, **{SPEC_LABEL: spec_hash(LONELY)}),
        'HostConfig': {'Binds': [], 'NetworkMode': 'lonely_curl'},
        'NetworkingConfig': {'EndpointsConfig': {'lonely_curl': {}}}}
    assert bodies['/containers/create?name=lab_user_root']['User'] == '0'
    assert bodies['/containers/create?name=lab_user_root']['HostConfig']['NetworkMode'] == 'default'


def test_a_converged_vm_costs_one_listing_and_changes_nothing():
    engine = FakeEngine([listed(), listed(LONELY)], [{'Name': 'lonely_curl', 'Labels': LAB}])
    assert lab_make.make(engine, plan([SPEC, LONELY], [NETWORK]), 'es') == {
        'changed': False, 'directories': [], 'networks': [], 'containers': [], 'outside': []}
    assert engine.requests == [] and engine.connections == 1


def test_a_stopped_container_is_started_and_one_not_as_specified_is_replaced():
    other = dict(SPEC, name='lab_user_1234', user='1234')
    engine = FakeEngine([listed(State='exited'), listed(other, Labels=dict(LAB, **{SPEC_LABEL: 'older'}))])
    lab_make.make(engine, plan([SPEC, other]), 'en')
    assert engine.paths() == sorted([
        ('POST', '/containers/lab_user_root/start'), ('DELETE', '/containers/lab_user_1234?force=1'),
        ('POST', '/containers/create?name=lab_user_1234'), ('POST', '/containers/lab_user_1234/start')])


def test_userns_mode_bind_mounts_and_memory_reach_the_engine():
    writer = dict(SPEC, userns_mode='host', volumes=['/srv/lab_files/owned:/data'], memory=67108864)
    body = lab_make.create_body(writer)
    assert body['HostConfig'] == {'Binds': ['/srv/lab_files/owned:/data'], 'NetworkMode': 'default',
                                  'UsernsMode': 'host', 'Memory': 67108864}


def test_a_name_with_odd_characters_is_quoted_in_the_path():
    engine = FakeEngine()
    lab_make.make(engine, plan([dict(SPEC, name='a b/c')]), 'en')
    assert ('POST', '/containers/create?name=a%20b%2Fc') in engine.paths()


def test_check_mode_says_what_would_be_made_and_makes_nothing(tmp_path):
    engine = FakeEngine()
    spec = directory(tmp_path / 'new')
    record = str(tmp_path / 'made.json')
    done = lab_make.make(engine, plan([SPEC], [NETWORK], [spec]), 'es', check_mode=True, record=record)
    assert done == {'changed': True, 'directories': [spec['path']], 'networks': ['lonely_curl'],
                    'containers': ['lab_user_root'], 'outside': []}
    assert engine.requests == [] and not os.path.lexists(spec['path']) and not os.path.lexists(record)


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_refusal_comes_before_anything_changes_in_the_students_language(tmp_path, check_mode):
    theirs = {'Names': ['/lab_user_root'], 'Image': 'debian:12', 'State': 'running', 'Labels': {}}
    engine = FakeEngine([theirs], [{'Name': 'lonely_curl', 'Labels': {}}])
    spec = directory(tmp_path / 'new')
    with pytest.raises(lab_make.Refused) as refused:
        lab_make.make(engine, plan([SPEC, LONELY], [NETWORK], [spec]), 'es', check_mode=check_mode,
                      record=str(tmp_path / 'made.json'))
    assert str(refused.value).split('\n') == [
        catalog.text('es', 'err.container_not_lab', name='lab_user_root'),
        catalog.text('es', 'err.network_not_lab', name='lonely_curl')]
    assert engine.requests == [] and not os.path.lexists(spec['path'])


def test_an_engine_error_names_the_request_after_the_other_containers_are_made():
    engine = FakeEngine(fail='curl_lonely')
    with pytest.raises(DockerAPIError, match=r'POST /containers/create: 409 Conflict'):
        lab_make.make(engine, plan([SPEC, LONELY]), 'en')
    assert ('POST', '/containers/lab_user_root/start') in engine.paths()


def test_every_container_is_made_on_a_connection_of_its_own():
    engine = FakeEngine()
    specs = [dict(SPEC, name='c%d' % index) for index in range(5)]
    lab_make.make(engine, plan(specs), 'en')
    assert engine.connections == 1 + 5


# What the lab made, and reset ------------------------------------------------------------------


def test_only_the_directories_it_creates_are_recorded_and_reset_removes_only_those(tmp_path):
    found = tmp_path / 'home'  # an instructor's existing directory, used as a share_dir
    found.mkdir()
    (found / 'notes.txt').write_text('mine')
    record = str(tmp_path / 'state' / 'made.json')
    specs = [directory(found), directory(found / 'owned', '0755'), directory(found / 'open', '0777'),
             directory(tmp_path / 'users', '1777')]
    lab_make.make(FakeEngine(), plan([], [], specs), 'en', record=record)
    made = sorted([str(found / 'owned'), str(found / 'open'), str(tmp_path / 'users')])
    assert lab_make.read_made(record) == made
    (found / 'open' / 'written-by-root').write_text('')
    lab_make.make(FakeEngine(), plan([], [], specs), 'en', record=record)  # a re-run records nothing new
    assert lab_make.read_made(record) == made
    assert lab_make.remove_made(record, check_mode=True) == sorted(made) and os.path.isdir(found / 'open')
    assert sorted(lab_make.remove_made(record)) == made
    assert sorted(os.listdir(found)) == ['notes.txt'] and not os.path.lexists(tmp_path / 'users')
    assert not os.path.lexists(record) and lab_make.remove_made(record) == []


def test_reset_never_follows_a_directory_that_became_a_link(tmp_path):
    target = tmp_path / 'etc'
    target.mkdir()
    (target / 'passwd').write_text('root')
    record = str(tmp_path / 'made.json')
    lab_make.write_made(record, [str(tmp_path / 'open'), str(tmp_path / 'gone')])
    (tmp_path / 'open').symlink_to(target)
    assert lab_make.remove_made(record) == []
    assert (target / 'passwd').read_text() == 'root' and os.path.islink(tmp_path / 'open')
    assert not os.path.lexists(record)


@pytest.mark.parametrize('content', ['{"a": 1}', 'not json', '["relative", "/", "/a/../etc", 5]', '[' * 70000])
def test_a_record_that_is_not_a_list_of_absolute_paths_gives_nothing_to_remove(tmp_path, content):
    record = tmp_path / 'made.json'
    record.write_text(content)
    assert lab_make.read_made(str(record)) == []


def test_a_record_that_is_a_link_is_not_read(tmp_path):
    (tmp_path / 'elsewhere.json').write_text(json.dumps([str(tmp_path / 'x')]))
    (tmp_path / 'made.json').symlink_to(tmp_path / 'elsewhere.json')
    assert lab_make.read_made(str(tmp_path / 'made.json')) == []


def test_a_record_that_is_a_fifo_is_not_waited_for(tmp_path):
    os.mkfifo(tmp_path / 'made.json')
    assert lab_make.read_made(str(tmp_path / 'made.json')) == []
