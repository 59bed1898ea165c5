# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_containers import (
    SPEC_LABEL, lab_container_specs, lab_containers_to_start, lab_networks_to_create, lab_not_the_labs, lab_observe_options,
    lab_scenario_plan, lab_scenarios_selected, spec_hash)
from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))

IMAGE = 'microlab.local/lab-shell:bookworm'
LAB = {'microlab.lab': 'docker_internals', 'microlab.lab.scenario': 'users'}
SPEC = {'name': 'lab_user_root', 'image': IMAGE, 'entrypoint': ['sleep'], 'command': ['infinity'], 'user': '0',
        'labels': LAB}


def listed(spec=None, **changes):
    """One entry of docker_host_info's verbose container listing, as the engine shows a container made from spec."""
    spec = spec or SPEC
    entry = {'Names': ['/' + spec['name']], 'Image': spec['image'], 'State': 'running',
             'Labels': dict(spec['labels'], **{SPEC_LABEL: spec_hash(spec), 'microlab.image': 'docker_internals'}),
             'NetworkSettings': {'Networks': {spec.get('network') or 'bridge': {'IPAddress': '172.17.0.2'}}}}
    entry.update(changes)
    return entry


def test_a_running_container_from_the_same_spec_needs_nothing():
    assert lab_containers_to_start([SPEC], [listed()]) == []


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
    to_start = lab_containers_to_start([SPEC], containers)
    assert to_start == [dict(SPEC, labels=dict(LAB, **{SPEC_LABEL: spec_hash(SPEC)}), recreate=recreate)]


def test_a_container_on_its_user_defined_network_is_as_specified():
    lonely = dict(SPEC, name='curl_lonely', network='lonely_curl')
    assert lab_containers_to_start([lonely], [listed(lonely)]) == []
    assert lab_containers_to_start([lonely], [listed(lonely, NetworkSettings={'Networks': {'bridge': {}}})]) != []


def test_only_the_containers_that_need_it_are_returned_in_spec_order():
    other = dict(SPEC, name='lab_user_1234', user='1234')
    third = dict(SPEC, name='lab_user_remapped')
    to_start = lab_containers_to_start([SPEC, other, third], [listed(other), listed(third, State='exited')])
    assert [spec['name'] for spec in to_start] == ['lab_user_root', 'lab_user_remapped']


def test_changing_any_option_changes_the_hash_but_key_order_does_not():
    assert spec_hash(dict(SPEC, user='1234')) != spec_hash(SPEC)
    assert spec_hash(dict(reversed(list(SPEC.items())))) == spec_hash(SPEC)


@pytest.mark.parametrize('lang, pattern', [
    ('en', r'A container named lab_user_root already exists and is not the lab.s.*docker rename.*'),
    ('es', r'Ya existe un contenedor llamado lab_user_root que no es del laboratorio.*docker rename.*'),
])
def test_a_users_container_with_the_same_name_is_never_replaced(lang, pattern):
    theirs = {'Names': ['/lab_user_root'], 'Image': 'debian:12', 'State': 'running', 'Labels': {'owner': 'ana'}}
    assert lab_containers_to_start([SPEC], [theirs]) == []
    refusal = lab_not_the_labs([SPEC], [theirs], [], [], lang)
    assert re.fullmatch(pattern, refusal, re.S), refusal
    assert lab_not_the_labs([SPEC], [listed()], [], [], lang) == ''


@pytest.mark.parametrize('specs', [None, {'name': 'x'}, [{'image': IMAGE}], ['lab_user_root']])
def test_specs_must_be_a_list_of_named_dicts(specs):
    with pytest.raises(AnsibleFilterError, match='list of container specs'):
        lab_containers_to_start(specs, [])


IMAGES = {'shell': 'shell:1', 'nginx': 'nginx:1', 'curl': 'curl:1'}
USERS = {'root_container': 'lab_user_root', 'uid_container': 'lab_user_1234', 'uid': 1234, 'userns_remap': False,
         'remapped_container': 'lab_user_remapped', 'language': 'es', 'share_dir': '/var/lib/microlab/users'}
NETWORK = {'name': 'lonely_curl', 'server': 'web_server', 'bridge_client': 'curl_bridge',
           'lonely_client': 'curl_lonely', 'timeout': 2}


def test_users_specs_sleep_as_root_and_as_the_uid():
    specs = lab_container_specs(USERS, 'users', IMAGES)
    assert [(s['name'], s['user'], s['image']) for s in specs] == [
        ('lab_user_root', '0', 'shell:1'), ('lab_user_1234', '1234', 'shell:1')]
    assert all('userns_mode' not in s for s in specs)
    root, writer = specs
    assert (root['entrypoint'], root['command'], 'volumes' in root) == (['sleep'], ['infinity'], False)


@pytest.mark.parametrize('uid, share_dir', [(1234, '/var/lib/microlab/users'), (2000, '/srv/share')])
def test_the_uid_container_writes_its_file_through_a_bind_mount_of_share_dir_then_sleeps(uid, share_dir):
    writer = lab_container_specs(dict(USERS, uid=uid, uid_container='u', share_dir=share_dir), 'users', IMAGES)[1]
    assert writer['entrypoint'] == ['sh', '-c']
    assert writer['command'] == ['touch /shared/written-by-uid-%d && exec sleep infinity' % uid]
    assert writer['volumes'] == ['%s:/shared' % share_dir]
    assert (writer['user'], writer['labels']['microlab.lab.scenario']) == (str(uid), 'users')


def test_users_specs_with_userns_remap_add_the_remapped_container_and_keep_the_others_on_the_host_userns():
    specs = lab_container_specs(dict(USERS, userns_remap=True), 'users', IMAGES)
    assert [(s['name'], s.get('userns_mode')) for s in specs] == [
        ('lab_user_root', 'host'), ('lab_user_1234', 'host'), ('lab_user_remapped', None)]
    assert specs[1]['volumes'] == ['/var/lib/microlab/users:/shared']


def test_network_specs_share_the_nginx_server_spec_so_both_roles_agree_on_its_hash():
    server = lab_container_specs(NETWORK, 'network', IMAGES)[0]
    assert server == lab_container_specs({'container': 'web_server'}, 'nginx', IMAGES)[0]
    lonely = lab_container_specs(NETWORK, 'network', IMAGES)[2]
    assert (lonely['name'], lonely['network'], lonely['labels']['microlab.lab.scenario']) == (
        'curl_lonely', 'lonely_curl', 'network')


def test_observe_options_take_only_what_lab_observe_reads():
    assert lab_observe_options(USERS, 'users') == dict((k, v) for k, v in USERS.items() if k != 'language')
    assert lab_observe_options(USERS, 'users')['share_dir'] == '/var/lib/microlab/users'


@pytest.mark.parametrize('listing, expected', [
    ([], ['lonely_curl']),
    ([{'Name': 'lonely_curl', 'Labels': LAB}], []),
    ([{'Name': 'other', 'Labels': {}}], ['lonely_curl']),
])
def test_networks_to_create_are_the_missing_ones(listing, expected):
    specs = [{'name': 'lonely_curl', 'labels': LAB}]
    assert [s['name'] for s in lab_networks_to_create(specs, listing)] == expected


@pytest.mark.parametrize('lang, words', [('es', 'no es del laboratorio'), ('en', "is not the lab's")])
def test_a_same_named_network_that_is_not_the_labs_is_refused_in_the_students_language(lang, words):
    theirs = [{'Name': 'lonely_curl', 'Labels': None}]
    assert lab_networks_to_create([{'name': 'lonely_curl'}], theirs) == []
    refusal = lab_not_the_labs([SPEC], [listed()], [{'name': 'lonely_curl'}], theirs, lang)
    assert words in refusal and 'lonely_curl' in refusal and '\n' not in refusal
    both = lab_not_the_labs([SPEC], [dict(listed(), Labels={})], [{'name': 'lonely_curl'}], theirs, lang)
    assert len(both.split('\n')) == 2


@pytest.mark.parametrize('lang', ['es', 'en'])
def test_the_scenario_fails_with_the_refusal_alone_in_the_students_language(tmp_path, lang):
    """lab_nginx on a VM where web_server is the student's own container: the task's message is the catalog's
    sentence, with no "The filter plugin ... failed:" around it. The VM's Python answers the listing itself
    (docker_host_info's result), so no engine is needed and nothing can be created."""
    listing = {'changed': False, 'containers': [{'Names': ['/web_server'], 'Image': 'nginx', 'State': 'running',
                                                 'Labels': {'owner': 'ana'}}], 'networks': []}
    (tmp_path / 'listing.json').write_text(json.dumps(listing))
    python = tmp_path / 'python'
    python.write_text('#!/bin/sh\ncat >/dev/null\ncat %s\n' % (tmp_path / 'listing.json'))
    python.chmod(0o755)
    (tmp_path / 'play.yml').write_text('- hosts: vm\n  gather_facts: false\n  roles: [microlab.docker_internals.lab_nginx]\n')
    (tmp_path / 'inventory.yml').write_text(json.dumps({'all': {'hosts': {'vm': {
        'ansible_connection': 'local', 'ansible_python_interpreter': str(python)}}}}))
    refs = json.dumps({'lab_images_refs': {role: 'microlab.local/lab-%s:1' % role
                                           for role in ('curl', 'nettools', 'nginx', 'shell')}, 'lab_language': lang})
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i',
                           str(tmp_path / 'inventory.yml'), str(tmp_path / 'play.yml'), '-e', refs],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0, done.stdout + done.stderr
    results = [task['hosts']['vm'] for play in json.loads(done.stdout)['plays'] for task in play['tasks']]
    failed, = [result for result in results if result.get('failed')]
    assert failed['msg'] == catalog.text(lang, 'err.container_not_lab', name='web_server')
    assert not any(result.get('changed') for result in results)


NGINX = {'container': 'web_server', 'port': 80, 'http_timeout': 5}


def test_a_plan_for_several_scenarios_makes_a_shared_container_once_in_the_chapters_order():
    plan = lab_scenario_plan({'network': NETWORK, 'nginx': NGINX, 'users': USERS}, IMAGES)
    assert [c['name'] for c in plan['containers']] == ['lab_user_root', 'lab_user_1234', 'web_server', 'curl_bridge',
                                                       'curl_lonely']
    assert plan['containers'][2] == lab_container_specs(NGINX, 'nginx', IMAGES)[0]
    assert [n['name'] for n in plan['networks']] == ['lonely_curl']
    assert list(plan['observe']) == ['users', 'nginx', 'network']
    assert plan['observe']['users'] == lab_observe_options(USERS, 'users')


def test_a_plan_for_one_scenario_is_that_scenarios():
    plan = lab_scenario_plan({'nginx': NGINX}, IMAGES)
    assert plan == {'containers': lab_container_specs(NGINX, 'nginx', IMAGES), 'networks': [],
                    'observe': {'nginx': NGINX}}


def test_a_plan_for_an_unknown_scenario_is_refused():
    with pytest.raises(AnsibleFilterError, match='unknown scenario'):
        lab_scenario_plan({'storage': {}}, IMAGES)


@pytest.mark.parametrize('run, skip, selected', [
    (['all'], [], ['users', 'nginx', 'network']),
    ([], [], ['users', 'nginx', 'network']),
    (['network', 'users'], [], ['users', 'network']),
    (['all'], ['network'], ['users', 'nginx']),
    (['challenge'], [], []),
    (['users', 'nginx'], ['nginx'], ['users']),
])
def test_the_run_tags_select_the_scenarios(run, skip, selected):
    inputs = {'network': NETWORK, 'nginx': NGINX, 'users': USERS}
    assert list(lab_scenarios_selected(inputs, run, skip)) == selected
