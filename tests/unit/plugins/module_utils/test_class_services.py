# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""class_services: names in the class registry, endpoints, the VMs' variables, daemon.json."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_class_services import FilterModule
from ansible_collections.microlab.docker_internals.plugins.module_utils import class_services

ARCHIVE = {
    'curl': 'microlab.local/lab-curl:bookworm',
    'nettools': 'microlab.local/lab-nettools:bookworm',
    'nginx': 'microlab.local/lab-nginx:bookworm',
    'shell': 'microlab.local/lab-shell:bookworm',
}


@pytest.mark.parametrize('ref, expected', [
    ('microlab.local/lab-shell:bookworm', ('microlab.local', 'lab-shell', 'bookworm')),
    ('192.0.2.10:5001/microlab/lab-shell:bookworm', ('192.0.2.10:5001', 'microlab/lab-shell', 'bookworm')),
    ('localhost/x:1', ('localhost', 'x', '1')),
    ('debian:12.12-slim', ('', 'debian', '12.12-slim')),
    ('curlimages/curl:8.17.0', ('', 'curlimages/curl', '8.17.0')),
    ('nginx', ('', 'nginx', 'latest')),
    ('registry.lan:5000/nginx', ('registry.lan:5000', 'nginx', 'latest')),
    ('[2001:db8::1]:5001/microlab/lab-curl:bookworm', ('[2001:db8::1]:5001', 'microlab/lab-curl', 'bookworm')),
])
def test_split_reference_reads_docker_names(ref, expected):
    assert class_services.split_reference(ref) == expected


@pytest.mark.parametrize('ref', ['', None, 'a b:1', 'debian@sha256:abc', 'x:', 'registry.lan/'])
def test_split_reference_refuses_what_is_not_a_tagged_reference(ref):
    with pytest.raises(class_services.ClassServicesError):
        class_services.split_reference(ref)


@pytest.mark.parametrize('ref, registry', [
    ('docker.io/library/debian:12', 'docker.io'),
    ('debian:12', 'docker.io'),
    ('curlimages/curl:8.17.0', 'docker.io'),
    ('192.0.2.10:5001/microlab/lab-shell:bookworm', '192.0.2.10:5001'),
    ('class.lan/microlab/lab-shell:bookworm', 'class.lan'),
])
def test_image_registry_is_where_the_engine_asks(ref, registry):
    assert class_services.image_registry(ref) == registry


def test_seed_plan_keeps_each_images_own_name_under_the_namespace():
    plan = class_services.seed_plan(ARCHIVE, 'microlab')
    assert [item['role'] for item in plan] == ['curl', 'nettools', 'nginx', 'shell']
    assert plan[3] == {'role': 'shell', 'source': 'microlab.local/lab-shell:bookworm',
                       'repository': 'microlab/lab-shell', 'tag': 'bookworm', 'name': 'microlab/lab-shell:bookworm'}


def test_seed_plan_of_upstream_refs_never_takes_the_upstream_name_as_a_whole():
    plan = class_services.seed_plan({'shell': 'docker.io/library/debian:12.12-slim',
                                     'nettools': 'docker.io/nicolaka/netshoot:v0.14'}, '/class/2026/')
    assert [item['name'] for item in plan] == ['class/2026/netshoot:v0.14', 'class/2026/debian:12.12-slim']


@pytest.mark.parametrize('refs, namespace', [([], 'microlab'), (None, 'microlab'), (ARCHIVE, ''), (ARCHIVE, '/'),
                                             (ARCHIVE, None), ({'shell': 'a b'}, 'microlab')])
def test_seed_plan_refuses_bad_input(refs, namespace):
    with pytest.raises(class_services.ClassServicesError):
        class_services.seed_plan(refs, namespace)


def test_class_refs_are_the_full_references_the_vms_pull():
    plan = class_services.seed_plan(ARCHIVE, 'microlab')
    assert class_services.class_refs(plan, '192.0.2.10:5001') == {
        'curl': '192.0.2.10:5001/microlab/lab-curl:bookworm',
        'nettools': '192.0.2.10:5001/microlab/lab-nettools:bookworm',
        'nginx': '192.0.2.10:5001/microlab/lab-nginx:bookworm',
        'shell': '192.0.2.10:5001/microlab/lab-shell:bookworm',
    }


@pytest.mark.parametrize('registry', ['', None, 'h:5001/x', 'h :5001'])
def test_class_refs_refuse_a_registry_that_is_not_host_port(registry):
    with pytest.raises(class_services.ClassServicesError):
        class_services.class_refs([], registry)


def test_endpoints_describe_the_three_services():
    services = class_services.endpoints('192.0.2.10', 5000, 5001, 3142, class_services.seed_plan(ARCHIVE, 'microlab'))
    assert services['registry_mirror'] == 'http://192.0.2.10:5000'
    assert services['class_registry'] == '192.0.2.10:5001'
    assert services['apt_proxy'] == 'http://192.0.2.10:3142'
    assert services['images']['shell'] == '192.0.2.10:5001/microlab/lab-shell:bookworm'
    assert sorted(services['images']) == sorted(ARCHIVE)


def test_endpoints_without_a_plan_or_a_running_mirror():
    services = class_services.endpoints('class.lan', '5000', '5001', '3142', None, mirror=False)
    assert services == {'registry_mirror': None, 'class_registry': 'class.lan:5001',
                        'apt_proxy': 'http://class.lan:3142', 'images': {}, 'digests': {}}


def test_endpoints_put_an_ipv6_address_in_brackets():
    services = class_services.endpoints('2001:db8::1', 5000, 5001, 3142, class_services.seed_plan(ARCHIVE, 'm'))
    assert services['registry_mirror'] == 'http://[2001:db8::1]:5000'
    assert services['class_registry'] == '[2001:db8::1]:5001'
    assert services['images']['curl'] == '[2001:db8::1]:5001/m/lab-curl:bookworm'


@pytest.mark.parametrize('host', ['', None])
def test_endpoints_need_a_host(host):
    with pytest.raises(class_services.ClassServicesError):
        class_services.endpoints(host, 5000, 5001, 3142)


def test_vm_vars_name_every_variable_the_vms_need():
    services = class_services.endpoints('192.0.2.10', 5000, 5001, 3142, class_services.seed_plan(ARCHIVE, 'microlab'))
    assert class_services.vm_vars(services) == {
        'docker_host_registry_mirrors': ['http://192.0.2.10:5000'],
        'docker_host_insecure_registries': ['192.0.2.10:5000', '192.0.2.10:5001'],
        'docker_host_apt_proxy': 'http://192.0.2.10:3142',
        'lab_images_class_refs': services['images'],
    }


def test_vm_vars_leave_out_a_mirror_that_does_not_run_and_images_that_are_not_there():
    services = class_services.endpoints('192.0.2.10', 5000, 5001, 3142, [], mirror=False)
    assert class_services.vm_vars(services) == {
        'docker_host_registry_mirrors': [],
        'docker_host_insecure_registries': ['192.0.2.10:5001'],
        'docker_host_apt_proxy': 'http://192.0.2.10:3142',
    }


def test_vm_vars_are_valid_input_of_docker_host_and_lab_images():
    from ansible_collections.microlab.docker_internals.plugins.module_utils import input_rules
    found = class_services.vm_vars(class_services.endpoints('2001:db8::1', 5000, 5001, 3142,
                                                            class_services.seed_plan(ARCHIVE, 'microlab')))
    for role in ('docker_host', 'lab_images'):
        values = dict((name, value) for name, value in found.items() if name.startswith(role + '_'))
        for rule in input_rules.RULES[role]:
            if all(isinstance(arg, str) and arg in values for arg in rule[1:2]):
                assert input_rules.check(rule, values) == [], rule


@pytest.mark.parametrize('options, mirrors, insecure, expected', [
    ({}, [], [], {}),
    ({'userns-remap': 'default'}, None, None, {'userns-remap': 'default'}),
    ({}, ['http://m:5000'], ['m:5001'], {'registry-mirrors': ['http://m:5000'], 'insecure-registries': ['m:5001']}),
    ({'registry-mirrors': ['https://own.mirror'], 'insecure-registries': ['m:5001']}, ['http://m:5000'],
     ['m:5000', 'm:5001'],
     {'registry-mirrors': ['https://own.mirror', 'http://m:5000'], 'insecure-registries': ['m:5001', 'm:5000']}),
    ({'registry-mirrors': None}, ['http://m:5000'], [], {'registry-mirrors': ['http://m:5000']}),
])
def test_daemon_options_merge_the_class_services_after_the_given_ones(options, mirrors, insecure, expected):
    before = dict(options)
    assert class_services.daemon_options(options, mirrors, insecure) == expected
    assert options == before


@pytest.mark.parametrize('options', [None, [], {'registry-mirrors': 'http://m:5000'}])
def test_daemon_options_refuse_what_is_not_daemon_json(options):
    with pytest.raises(class_services.ClassServicesError):
        class_services.daemon_options(options, ['http://m:5000'], [])


# What ansible.builtin.uri and a looped docker_image_pull register, as class-pull.yml sees them.
ANSWERS = {'status': 200, 'msg': 'OK (unknown bytes)'}
PULLED = {'item': 'r:5001/microlab/lab-shell:bookworm', 'image': {'Id': 'sha256:1'}}
NOT_FOUND = {'item': 'r:5001/microlab/lab-curl:bookworm', 'failed': True, 'msg': 'Error pulling: manifest unknown'}
GONE = {'item': 'r:5001/microlab/lab-nginx:bookworm', 'failed': True, 'msg': 'connection refused'}


@pytest.mark.parametrize('probe, pulls, expected', [
    ({'status': -1, 'msg': 'Request failed: <urlopen error [Errno 111] Connection refused>'}, None,
     'Request failed: <urlopen error [Errno 111] Connection refused>'),
    ({'status': 404, 'msg': 'Status code was 404'}, None, 'Status code was 404'),
    ({}, None, 'no answer'),
    (None, None, 'no answer'),
    (ANSWERS, {'results': [PULLED, NOT_FOUND, GONE]},
     'r:5001/microlab/lab-curl:bookworm, r:5001/microlab/lab-nginx:bookworm: Error pulling: manifest unknown'),
    ({'status': 401}, {'results': [{'item': 'r/x:1', 'failed': True}]}, 'r/x:1: no answer'),
    (ANSWERS, {'results': [PULLED]}, ''),
    (ANSWERS, {'skipped': True}, ''),
    (ANSWERS, {'results': [{'item': {'role': 'shell', 'ref': 'r/x:1', 'pull': 'r/x@sha256:ab'}, 'failed': True,
                            'msg': 'manifest unknown'}]}, 'r/x@sha256:ab: manifest unknown'),
])
def test_class_pull_error_says_what_failed_first(probe, pulls, expected):
    assert class_services.class_pull_error(probe, pulls) == expected


def test_the_filters_wrap_errors_and_keep_names():
    filters = FilterModule().filters()
    assert sorted(filters) == ['lab_class_endpoints', 'lab_class_known_hosts', 'lab_class_listen_address',
                               'lab_class_pull_error', 'lab_class_pulls', 'lab_class_seed_digests', 'lab_class_seed_plan',
                               'lab_class_terminal_targets', 'lab_class_vm_vars',
                               'lab_daemon_options', 'lab_image_registry']
    assert filters['lab_image_registry']('debian:12') == 'docker.io'
    assert filters['lab_daemon_options'].__name__ == 'daemon_options'
    with pytest.raises(AnsibleFilterError, match='seed_plan: '):
        filters['lab_class_seed_plan']({'shell': 'a b'}, 'microlab')


DIGEST = 'sha256:' + 'a' * 64
OTHER = 'sha256:' + 'b' * 64
REGISTRY = '192.0.2.10:5001'
REFS = class_services.class_refs(class_services.seed_plan(ARCHIVE, 'microlab'), REGISTRY)


@pytest.mark.parametrize('given, address, default_ipv4, expected', [
    ('192.0.2.20', '192.0.2.10', '198.51.100.1', '192.0.2.20'),
    ('', '192.0.2.10', '198.51.100.1', '192.0.2.10'),
    ('', 'instructor.lan', '198.51.100.1', '198.51.100.1'),  # a name is not resolved (127.0.1.1 in /etc/hosts)
    ('', '', '', '127.0.0.1'),
    ('', '', None, '127.0.0.1'),
    ('', '2001:db8::1', '', '2001:db8::1'),
    ('[2001:db8::2]', '', '', '2001:db8::2'),
])
def test_listen_address_is_one_address(given, address, default_ipv4, expected):
    assert class_services.listen_address(given, address, default_ipv4) == expected


@pytest.mark.parametrize('given, address', [
    ('0.0.0.0', ''), ('::', ''), ('', '0.0.0.0'), ('instructor.lan', ''), ('192.0.2.10:5001', ''),
])
def test_listen_address_is_never_every_interface_nor_a_name(given, address):
    with pytest.raises(class_services.ClassServicesError):
        class_services.listen_address(given, address, '198.51.100.1')


def _head(role, status, digest=None):
    result = {'item': {'role': role}, 'status': status}
    if digest is not None:
        result['docker_content_digest'] = digest
    return result


def test_seed_digests_keep_the_well_formed_digests_of_the_images_the_registry_holds():
    heads = {'results': [_head('shell', 200, DIGEST), _head('curl', 404), _head('nginx', -1),
                         _head('nettools', 200, 'sha256:short'), _head('x', 200, DIGEST.upper()), 'junk']}
    assert class_services.seed_digests(heads) == {'shell': DIGEST}


@pytest.mark.parametrize('heads', [None, {}, {'results': None}, {'skipped': True}])
def test_seed_digests_of_nothing_are_none(heads):
    assert class_services.seed_digests(heads) == {}


def test_endpoints_keep_the_digests_of_the_seeded_images_only():
    plan = class_services.seed_plan(ARCHIVE, 'microlab')
    services = class_services.endpoints('192.0.2.10', 5000, 5001, 3142, plan, digests={'shell': DIGEST, 'x': OTHER})
    assert services['digests'] == {'shell': DIGEST}
    assert class_services.vm_vars(services)['lab_images_class_digests'] == {'shell': DIGEST}
    assert 'lab_images_class_digests' not in class_services.vm_vars(
        class_services.endpoints('192.0.2.10', 5000, 5001, 3142, plan))


@pytest.mark.parametrize('ref, expected', [
    ('192.0.2.10:5001/microlab/lab-shell:bookworm', '192.0.2.10:5001/microlab/lab-shell@' + DIGEST),
    ('[2001:db8::1]:5001/m/lab-curl:bookworm', '[2001:db8::1]:5001/m/lab-curl@' + DIGEST),
    ('debian:12', 'debian@' + DIGEST),
])
def test_digest_reference_replaces_the_tag(ref, expected):
    assert class_services.digest_reference(ref, DIGEST) == expected


@pytest.mark.parametrize('digest', ['', None, 'sha256:abc', 'md5:' + 'a' * 64, DIGEST + '\n'])
def test_digest_reference_refuses_what_is_not_a_sha256_digest(digest):
    with pytest.raises(class_services.ClassServicesError):
        class_services.digest_reference(REFS['shell'], digest)


def _image(ref, digest=None):
    repository = ref.rsplit(':', 1)[0]
    return {'RepoTags': [ref], 'RepoDigests': ['%s@%s' % (repository, digest)] if digest else []}


def test_class_pulls_are_by_digest_where_the_seed_knows_it():
    pulls = class_services.class_pulls([], REFS, {'shell': DIGEST})
    assert [pull['role'] for pull in pulls] == ['curl', 'nettools', 'nginx', 'shell']
    assert pulls[3] == {'role': 'shell', 'ref': REFS['shell'], 'pull': REGISTRY + '/microlab/lab-shell@' + DIGEST}
    assert pulls[0] == {'role': 'curl', 'ref': REFS['curl'], 'pull': REFS['curl']}


def test_class_pulls_skip_images_held_with_their_digest_or_by_tag_without_one():
    images = [_image(REFS['shell'], DIGEST), _image(REFS['curl']), _image(REFS['nginx'], OTHER)]
    pulls = class_services.class_pulls(images, REFS, {'shell': DIGEST})
    assert [pull['role'] for pull in pulls] == ['nettools']


def test_class_pulls_pull_again_an_image_whose_tag_holds_other_content():
    """The tag was overwritten in the registry before this VM pulled it: the seed's digest decides."""
    images = [_image(REFS['shell'], OTHER)] + [_image(REFS[role]) for role in ('curl', 'nettools', 'nginx')]
    assert class_services.class_pulls(images, REFS, {'shell': DIGEST}) == [
        {'role': 'shell', 'ref': REFS['shell'], 'pull': REGISTRY + '/microlab/lab-shell@' + DIGEST}]


def test_class_pulls_refuse_refs_that_are_not_a_dict():
    with pytest.raises(class_services.ClassServicesError):
        class_services.class_pulls([], None)
