# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""main() of lab_observe with a recorded observation: lab_outcomes merging, failed_outcomes, failure text."""

from __future__ import annotations

import copy
import json
import os

import pytest

from ansible.module_utils import basic

from ansible_collections.microlab.docker_internals.plugins.modules import lab_observe as module

from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19, the only one supported

OBSERVATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'module_utils', 'fixtures',
                            'observations')
ALL_IDS = ['users_root_is_uid0', 'users_uid_matches', 'users_file_owner', 'users_pid_namespace',
           'nginx_listens_in_netns', 'nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_own_netns',
           'network_bridge_http_200', 'network_lonely_times_out', 'network_interfaces_differ', 'network_veth_pairs',
           'network_drop_rule']
# The scenarios the lab-wide recordings hold (record_observations.py); files_*.json and overlay_*.json hold the
# newer scenarios' own (test_scenario_<name>.py).
RECORDED = ['users', 'nginx', 'network']
# The options files_live.json was observed with (record_files.py).
FILES_ARGS = {'owner_container': 'fj_live_owner', 'other_container': 'fj_live_other',
              'root_container': 'fj_live_root', 'share_dir': '/srv/fj_live'}
# What recorded_shapes.json passes (record_observations.py): the --user container has its own PID namespace.
SHAPES_PASS = ['users_pid_namespace']
# The options recorded_shapes.json was observed with (record_observations.py).
SHAPES_ARGS = {'users': {'root_container': 'jt2_stopped', 'uid_container': 'jt2_uid_1000',
                         'share_dir': '/tmp/jt2_share_other'},
               'nginx': {'container': 'jt2_missing'},
               'network': {'bridge_client': 'curl_lonely', 'lonely_client': 'jt2_both'}}


def recorded(name):
    with open(os.path.join(OBSERVATIONS, name + '.json')) as handle:
        return json.load(handle)


class Exit(Exception):
    pass


class Fail(Exception):
    pass


class FakeAPI(object):
    made = []

    def __init__(self, docker_host, timeout):
        self.docker_host, self.timeout, self.closed = docker_host, timeout, False
        FakeAPI.made.append(self)

    def close(self):
        self.closed = True


@pytest.fixture
def run(monkeypatch):
    """Run main() with args on an observation; return ('exit'|'fail', kwargs, what observe was asked)."""
    def exit_json(self, **kwargs):
        raise Exit(kwargs)

    def fail_json(self, **kwargs):
        raise Fail(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(module, 'DockerAPI', FakeAPI)
    FakeAPI.made = []

    def _run(args, observation):
        asked = {}

        def observe(spec, scenarios, api):
            asked.update(spec=spec, scenarios=scenarios, api=api)
            if isinstance(observation, Exception):
                raise observation
            obs = copy.deepcopy(observation)
            obs['scenarios'] = scenarios
            return obs

        monkeypatch.setattr(module.scenarios, 'observe', observe)
        with patch_module_args(args):
            try:
                module.main()
            except Exit as exc:
                return 'exit', exc.args[0], asked
            except Fail as exc:
                return 'fail', exc.args[0], asked
        raise AssertionError('main() neither exited nor failed')
    return _run


def test_the_live_lab_passes_with_nothing_failed(run):
    outcome, result, asked = run({'language': 'en', 'scenarios': RECORDED}, recorded('live_all_pass'))
    assert outcome == 'exit' and result['changed'] is False
    outcomes = result['ansible_facts']['lab_outcomes']
    assert list(outcomes) == ALL_IDS
    assert set(o['status'] for o in outcomes.values()) == {'pass'}
    assert all(isinstance(o['evidence'], str) and o['evidence'] for o in outcomes.values())
    assert outcomes['users_uid_matches']['evidence'] == ('lab_user_1234 pid 7384 (sleep infinity) runs as host UID '
                                                         '1234 (no such user in /etc/passwd)')
    assert result['failed_outcomes'] == [] and result['failure'] == ''
    assert sorted(result['explanations']) == ['network', 'nginx', 'users']
    assert result['explanations']['users'].startswith('SCENARIO 1 - USERS AND UIDs\nWhat was done:')
    assert result['observation']['containers'] == recorded('live_all_pass')['containers']


def test_options_get_their_defaults_and_types(run):
    outcome, result, asked = run({'scenarios': ['network', 'users'], 'users': {'uid': '2000'},
                                  'network': {'timeout': '25'}}, recorded('live_all_pass'))
    assert asked['scenarios'] == ['users', 'network']
    assert asked['spec']['users'] == {'root_container': 'lab_user_root', 'uid_container': 'lab_user_1234',
                                      'uid': 2000, 'userns_remap': False, 'remapped_container': 'lab_user_remapped',
                                      'share_dir': '/var/lib/microlab/users'}
    assert asked['spec']['nginx'] == {'container': 'web_server', 'port': 80, 'http_timeout': 5}
    assert asked['spec']['network']['timeout'] == 25 and asked['spec']['network']['name'] == 'lonely_curl'
    api = FakeAPI.made[0]
    assert (api.docker_host, api.timeout, api.closed) == ('unix:///var/run/docker.sock', 35, True)
    assert asked['api'] is api
    # The uid asked (2000) is neither the one the recorded container runs as nor the owner of its file (1234).
    assert result['failed_outcomes'] == ['users_file_owner', 'users_uid_matches']
    assert 'nginx_listens_in_netns' not in result['ansible_facts']['lab_outcomes']


def test_the_api_is_closed_when_observe_raises(run):
    with pytest.raises(RuntimeError):
        run({}, RuntimeError('bug'))
    assert FakeAPI.made[0].closed is True and FakeAPI.made[0].timeout == 30


def test_new_outcomes_are_merged_into_the_earlier_ones(run):
    earlier = {'users_root_is_uid0': {'status': 'fail', 'evidence': 'from an earlier run'},
               'nginx_http_by_ip': {'status': 'fail', 'evidence': 'recorded by the nginx scenario'},
               'class_extra': {'status': 'pass', 'evidence': 'kept'}}
    outcome, result, unused_asked = run({'scenarios': ['users'], 'outcomes': earlier, 'language': 'es'},
                                        recorded('live_all_pass'))
    outcomes = result['ansible_facts']['lab_outcomes']
    assert list(outcomes) == ['users_root_is_uid0', 'nginx_http_by_ip', 'class_extra', 'users_uid_matches',
                              'users_file_owner', 'users_pid_namespace']
    assert outcomes['users_root_is_uid0'] == {'status': 'pass', 'evidence': 'lab_user_root pid 3642 (sleep infinity) '
                                                                            'corre con el UID 0 del host (root)'}
    assert outcomes['nginx_http_by_ip'] == earlier['nginx_http_by_ip']
    assert outcomes['class_extra'] == earlier['class_extra']
    assert result['failed_outcomes'] == [] and list(result['explanations']) == ['users']


def test_the_files_scenario_passes_from_what_the_host_saw(run):
    outcome, result, asked = run({'language': 'en', 'scenarios': ['files'], 'files': FILES_ARGS},
                                 recorded('files_live'))
    outcomes = result['ansible_facts']['lab_outcomes']
    assert outcome == 'exit' and list(outcomes) == ['files_owner_writes', 'files_other_refused', 'files_root_writes']
    assert result['failed_outcomes'] == [] and list(result['explanations']) == ['files']
    assert outcomes['files_other_refused']['evidence'] == (
        "fj_live_other's process (host UID 4321, GID 0) may not write in /srv/fj_live/owned (owner 1234, mode 0755): "
        "EACCES, says the host's kernel (faccessat by a process with its credentials)")


def test_observe_names_the_scenarios_and_their_options_in_one_option(run):
    observe = {'files': dict(FILES_ARGS, uid='1234')}
    outcome, result, asked = run({'language': 'en', 'observe': observe, 'users': {'uid': 1}}, recorded('files_live'))
    assert outcome == 'exit' and result['failed_outcomes'] == []
    assert list(result['ansible_facts']['lab_outcomes']) == ['files_owner_writes', 'files_other_refused',
                                                             'files_root_writes']


@pytest.mark.parametrize('observe, word', [
    ({'firewall': {}}, 'no scenario called firewall'),
    ({'files': {'uid': 'many'}}, 'observe.files'),
    ({'files': {'no_such_option': 1}}, 'no_such_option'),
])
def test_observe_with_an_unknown_scenario_or_option_fails(run, observe, word):
    outcome, result, asked = run({'observe': observe}, recorded('files_live'))
    assert outcome == 'fail' and word in result['msg']


@pytest.mark.parametrize('language, failure', [
    ('en', 'Scenarios users, nginx, network: network_bridge_http_200, network_drop_rule, network_interfaces_differ, '
           'network_lonely_times_out, network_veth_pairs, nginx_absent_on_host, nginx_http_by_ip, '
           'nginx_listens_in_netns, nginx_own_netns, users_file_owner, users_root_is_uid0, users_uid_matches did '
           'not pass (see the evidence above).'),
    ('es', 'Escenarios users, nginx, network: network_bridge_http_200, network_drop_rule, network_interfaces_differ, '
           'network_lonely_times_out, network_veth_pairs, nginx_absent_on_host, nginx_http_by_ip, '
           'nginx_listens_in_netns, nginx_own_netns, users_file_owner, users_root_is_uid0, users_uid_matches no '
           'pasaron (vean la evidencia de arriba).'),
])
def test_failed_outcomes_and_failure_in_the_language(run, language, failure):
    outcome, result, unused_asked = run(dict(SHAPES_ARGS, language=language, scenarios=RECORDED),
                                        recorded('recorded_shapes'))
    assert outcome == 'exit' and result['changed'] is False
    assert result['failed_outcomes'] == sorted(set(ALL_IDS) - set(SHAPES_PASS))
    assert result['failure'] == failure
    evidence = result['ansible_facts']['lab_outcomes']['users_root_is_uid0']['evidence']
    assert evidence == {'en': 'jt2_stopped exists but is not running (state exited)',
                        'es': 'jt2_stopped existe pero no está en marcha (estado exited)'}[language]


@pytest.mark.parametrize('language, word', [('en', 'does not answer'), ('es', 'no responde')])
def test_engine_down_fails_every_outcome_of_the_scenarios(run, language, word):
    down = {'engine': {'reachable': False, 'error': 'cannot reach the Docker engine'}}
    outcome, result, unused_asked = run({'scenarios': ['nginx'], 'language': language}, down)
    assert result['failed_outcomes'] == ['nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_listens_in_netns',
                                         'nginx_own_netns']
    assert all(word in o['evidence'] and 'cannot reach the Docker engine' in o['evidence']
               for o in result['ansible_facts']['lab_outcomes'].values())
    assert result['failure'].startswith({'en': 'Scenario nginx: ', 'es': 'Escenario nginx: '}[language])


@pytest.mark.parametrize('args, word', [
    ({'language': 'fr'}, 'language'),
    ({'scenarios': ['users', 'firewall']}, 'scenarios'),
    ({'users': {'uid': 'many'}}, 'uid'),
    ({'nginx': {'no_such_option': 1}}, 'no_such_option'),
])
def test_bad_options_fail(run, args, word):
    outcome, result, asked = run(args, recorded('live_all_pass'))
    assert outcome == 'fail' and word in result['msg']
    assert asked == {}


@pytest.mark.parametrize('language, scenarios, failed, expected', [
    ('en', ['nginx'], ['nginx_own_netns'], 'Scenario nginx: nginx_own_netns did not pass (see the evidence above).'),
    ('es', ['nginx'], ['nginx_own_netns'], 'Escenario nginx: nginx_own_netns no pasó (vean la evidencia de arriba).'),
    ('en', ['nginx'], ['nginx_http_by_ip', 'nginx_own_netns'],
     'Scenario nginx: nginx_http_by_ip, nginx_own_netns did not pass (see the evidence above).'),
    ('es', ['nginx'], ['nginx_http_by_ip', 'nginx_own_netns'],
     'Escenario nginx: nginx_http_by_ip, nginx_own_netns no pasaron (vean la evidencia de arriba).'),
    ('en', ['users', 'nginx'], ['users_file_owner'],
     'Scenarios users, nginx: users_file_owner did not pass (see the evidence above).'),
    ('es', ['users', 'nginx'], ['users_file_owner'],
     'Escenarios users, nginx: users_file_owner no pasó (vean la evidencia de arriba).'),
    ('es', ['users', 'network'], ['network_veth_pairs', 'users_file_owner'],
     'Escenarios users, network: network_veth_pairs, users_file_owner no pasaron (vean la evidencia de arriba).'),
])
def test_failure_text_agrees_with_the_number_of_scenarios_and_outcomes(language, scenarios, failed, expected):
    assert module.failure_text(language, scenarios, failed) == expected


@pytest.mark.parametrize('language, failure', [
    ('en', 'Scenario nginx: nginx_own_netns did not pass (see the evidence above).'),
    ('es', 'Escenario nginx: nginx_own_netns no pasó (vean la evidencia de arriba).'),
])
def test_one_failed_outcome_of_one_scenario(run, language, failure):
    observation = recorded('live_all_pass')
    observation['namespaces']['web_server']['net'] = observation['namespaces']['host']['net']
    outcome, result, unused_asked = run({'scenarios': ['nginx'], 'language': language}, observation)
    assert result['failed_outcomes'] == ['nginx_own_netns'] and result['failure'] == failure
