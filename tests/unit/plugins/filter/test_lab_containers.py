# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_containers import (
    lab_container_specs, lab_observe_options, lab_scenario_plan, lab_scenarios_selected)

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


NGINX = {'container': 'web_server', 'port': 80, 'http_timeout': 5}


def test_a_plan_for_several_scenarios_makes_a_shared_container_once_in_the_chapters_order():
    plan = lab_scenario_plan({'network': NETWORK, 'nginx': NGINX, 'users': USERS}, IMAGES)
    assert [c['name'] for c in plan['containers']] == ['lab_user_root', 'lab_user_1234', 'web_server', 'curl_bridge',
                                                       'curl_lonely']
    assert plan['containers'][2] == lab_container_specs(NGINX, 'nginx', IMAGES)[0]
    assert [n['name'] for n in plan['networks']] == ['lonely_curl']
    assert plan['directories'] == [{'path': '/var/lib/microlab/users', 'owner': 0, 'mode': '1777'}]
    assert list(plan['observe']) == ['users', 'nginx', 'network']
    assert plan['observe']['users'] == lab_observe_options(USERS, 'users')


def test_a_plan_for_one_scenario_is_that_scenarios():
    plan = lab_scenario_plan({'nginx': NGINX}, IMAGES)
    assert plan == {'containers': lab_container_specs(NGINX, 'nginx', IMAGES), 'networks': [], 'directories': [],
                    'outside': {}, 'observe': {'nginx': NGINX}}


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
