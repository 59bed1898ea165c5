# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_containers import (
    SPEC_LABEL, lab_containers_to_start, lab_listing_update, spec_hash)

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


def test_a_users_container_with_the_same_name_is_never_replaced():
    theirs = {'Names': ['/lab_user_root'], 'Image': 'debian:12', 'State': 'running', 'Labels': {'owner': 'ana'}}
    with pytest.raises(AnsibleFilterError, match=r'lab_user_root already exists and is not the lab.s.*docker rename'):
        lab_containers_to_start([SPEC], [theirs])


@pytest.mark.parametrize('specs', [None, {'name': 'x'}, [{'image': IMAGE}], ['lab_user_root']])
def test_specs_must_be_a_list_of_named_dicts(specs):
    with pytest.raises(AnsibleFilterError, match='list of container specs'):
        lab_containers_to_start(specs, [])


def inspected(name, ip, state='running'):
    """What community.docker.docker_container returns as `container` after starting one (docker inspect)."""
    return {'Id': 'id-' + name, 'Name': '/' + name, 'Image': 'sha256:abc',
            'Config': {'Image': IMAGE, 'Labels': dict(LAB, **{SPEC_LABEL: 'h'})},
            'State': {'Status': state, 'Running': state == 'running', 'Pid': 42},
            'NetworkSettings': {'Networks': {'bridge': {'IPAddress': ip, 'IPPrefixLen': 16}}}}


def test_started_containers_replace_their_old_entry_and_join_the_listing_in_its_shape():
    old = listed(State='exited')
    kept = listed(dict(SPEC, name='lab_user_1234'))
    results = [{'item': SPEC, 'changed': True, 'container': inspected('lab_user_root', '172.17.0.9')},
               {'item': 'x', 'skipped': True}]
    updated = lab_listing_update([old, kept], results)
    assert updated == [kept, {
        'Id': 'id-lab_user_root', 'Names': ['/lab_user_root'], 'Image': IMAGE, 'ImageID': 'sha256:abc',
        'State': 'running', 'Labels': dict(LAB, **{SPEC_LABEL: 'h'}),
        'NetworkSettings': {'Networks': {'bridge': {'IPAddress': '172.17.0.9', 'IPPrefixLen': 16}}}}]


def test_the_updated_listing_makes_the_next_run_a_no_op():
    to_start = lab_containers_to_start([SPEC], [])
    result = inspected('lab_user_root', '172.17.0.9')
    result['Config']['Labels'] = to_start[0]['labels']
    result['Config']['Image'] = to_start[0]['image']
    assert lab_containers_to_start([SPEC], lab_listing_update([], [{'container': result}])) == []


@pytest.mark.parametrize('results', [None, [], [{'skipped': True}], [{'container': None}], [{'container': {}}]])
def test_nothing_started_leaves_the_listing_as_it_was(results):
    assert lab_listing_update([listed()], results) == [listed()]
