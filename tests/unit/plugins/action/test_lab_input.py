# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab_input action plugin's pure parts and input_rules, in both languages."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.microlab.docker_internals.plugins.action import lab_input
from ansible_collections.microlab.docker_internals.plugins.module_utils import input_rules, scenarios

SCENARIO_ROLES = tuple(unit.ROLE for unit in scenarios.UNITS)
# Each role's defaults, as the role itself would see them (lab_language unset: es).
DEFAULTS = {
    'lab_users': {'lab_users_language': 'es', 'lab_users_uid': 1234, 'lab_users_root_container': 'lab_user_root',
                  'lab_users_uid_container': 'lab_user_1234', 'lab_users_userns_remap': False,
                  'lab_users_userns_remap_user': 'default', 'lab_users_remapped_container': 'lab_user_remapped',
                  'lab_users_fail_on_outcome': True, 'lab_users_share_dir': '/var/lib/microlab/users'},
    'lab_nginx': {'lab_nginx_language': 'es', 'lab_nginx_container': 'web_server', 'lab_nginx_port': 80,
                  'lab_nginx_http_timeout': 5, 'lab_nginx_fail_on_outcome': True},
    'lab_network': {'lab_network_language': 'es', 'lab_network_name': 'lonely_curl', 'lab_network_timeout': 2,
                    'lab_network_server': 'web_server', 'lab_network_bridge_client': 'curl_bridge',
                    'lab_network_lonely_client': 'curl_lonely', 'lab_network_fail_on_outcome': True},
    'lab_files': {'lab_files_language': 'es', 'lab_files_owner_container': 'lab_files_owner',
                  'lab_files_other_container': 'lab_files_other', 'lab_files_root_container': 'lab_files_root',
                  'lab_files_uid': 1234, 'lab_files_other_uid': 4321, 'lab_files_share_dir': '/srv/lab_files',
                  'lab_files_fail_on_outcome': True},
    'lab_overlay': {'lab_overlay_language': 'es', 'lab_overlay_container': 'lab_overlay',
                    'lab_overlay_twin_container': 'lab_overlay_twin', 'lab_overlay_fail_on_outcome': True},
    'lab_scratch': {'lab_scratch_language': 'es', 'lab_scratch_container': 'lab_scratch_limited',
                    'lab_scratch_fail_on_outcome': True},
    'lab_report': {'lab_report_language': 'es', 'lab_report_dir': './lab-report', 'lab_report_hosts': ['vm1'],
                   'lab_report_title': '', 'lab_report_refresh': 0, 'lab_report_stuck_minutes': 10,
                   'lab_report_hints_per_step': 2.0, 'lab_report_session_start': '',
                   'lab_report_session_end': '', 'lab_report_grades': False, 'lab_report_grades_identifier': 'username',
                   'lab_report_scoring': {},
                   input_rules.INVENTORY_KEY: ['vm1', 'vm2', 'localhost']},
}
MUST = {'en': 'must be', 'es': 'que ser'}
GOT = {'en': '(got ', 'es': '(se recibió '}


def _keys(option):
    keys = set(option)
    for sub in (option.get('options') or {}).values():
        keys |= _keys(sub)
    return keys


# load_options, short_name --------------------------------------------------------------------------------------

@pytest.mark.parametrize('role, entry_point', [(role, 'main') for role in SCENARIO_ROLES]
                         + [(role, 'check') for role in SCENARIO_ROLES])
def test_load_options_drops_documented_defaults(role, entry_point):
    options = lab_input.load_options(role, entry_point)
    assert role + '_language' in options and 'lab_language' in options
    for name, option in options.items():
        assert not _keys(option) & {'default', 'description'}, name
        assert 'type' in option, name
    assert options[role + '_language'] == {'type': 'str', 'choices': ['es', 'en']}


@pytest.mark.parametrize('role, entry_point', [('lab_users', 'no_such_entry_point'), ('no_such_role', 'main')])
def test_load_options_of_an_unknown_role_or_entry_point_fails(role, entry_point):
    expected = r"lab_input: no argument spec '%s' for role '%s'" % (entry_point, role)
    with pytest.raises(AnsibleActionFail, match=expected):
        lab_input.load_options(role, entry_point)


def test_load_options_reads_a_spec_once_and_gives_new_options_each_time():
    lab_input._argument_specs.cache_clear()
    first = lab_input.load_options('lab_users', 'main')
    first['lab_users_language']['type'] = 'int'
    first.clear()
    again = lab_input.load_options('lab_users', 'main')
    assert again['lab_users_language'] == {'type': 'str', 'choices': ['es', 'en']}
    assert lab_input._argument_specs.cache_info().misses == 1


def test_without_defaults_goes_into_suboptions():
    option = {'type': 'dict', 'default': {}, 'description': 'x',
              'options': {'a': {'type': 'int', 'default': 1, 'description': 'y', 'choices': [1, 2]}}}
    assert lab_input._without_defaults(option) == {'type': 'dict', 'options': {'a': {'type': 'int', 'choices': [1, 2]}}}


@pytest.mark.parametrize('role, name, short', [
    ('lab_users', 'lab_users_uid', 'uid'),
    ('lab_users', 'lab_users_language', 'language'),
    ('lab_users', 'lab_language', 'lab_language'),
    ('lab_network', 'lab_network_name', 'name'),
    ('lab_nginx', 'lab_network_name', 'lab_network_name'),
    ('lab_users', 'lab_usersuid', 'lab_usersuid'),
])
def test_short_name(role, name, short):
    assert lab_input.short_name(role, name) == short


# Normalisation through the argument spec ---------------------------------------------------------------------

@pytest.mark.parametrize('role, given, expected', [
    ('lab_users', {'lab_users_userns_remap': 'true', 'lab_users_uid': '2000'},
     {'lab_users_userns_remap': True, 'lab_users_uid': 2000}),
    ('lab_users', {'lab_users_userns_remap': 'no', 'lab_users_fail_on_outcome': 'False'},
     {'lab_users_userns_remap': False, 'lab_users_fail_on_outcome': False}),
    ('lab_nginx', {'lab_nginx_port': '8080', 'lab_nginx_http_timeout': '7'},
     {'lab_nginx_port': 8080, 'lab_nginx_http_timeout': 7}),
    ('lab_network', {'lab_network_timeout': '3'}, {'lab_network_timeout': 3}),
])
def test_strings_from_the_command_line_get_their_types(role, given, expected):
    validated = ArgumentSpecValidator(lab_input.load_options(role, 'main')).validate(given)
    assert not validated.error_messages
    for name, value in expected.items():
        assert validated.validated_parameters[name] == value
        assert type(validated.validated_parameters[name]) is type(value)


def test_documented_defaults_are_not_applied():
    validated = ArgumentSpecValidator(lab_input.load_options('lab_users', 'main')).validate({'lab_users_uid': 7})
    assert validated.validated_parameters.get('lab_users_language') is None
    assert validated.validated_parameters.get('lab_users_uid_container') is None


@pytest.mark.parametrize('role, given, word', [
    ('lab_users', {'lab_users_uid': 'many'}, 'lab_users_uid'),
    ('lab_users', {'lab_users_userns_remap': 'perhaps'}, 'lab_users_userns_remap'),
    ('lab_nginx', {'lab_nginx_language': 'fr'}, 'lab_nginx_language'),
])
def test_wrong_types_and_choices_are_errors(role, given, word):
    validated = ArgumentSpecValidator(lab_input.load_options(role, 'main')).validate(given)
    assert any(word in message for message in validated.error_messages)


# input_rules -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('role', SCENARIO_ROLES)
@pytest.mark.parametrize('lang', ['en', 'es'])
def test_the_defaults_break_no_rule(role, lang):
    assert input_rules.problems(role, DEFAULTS[role], lang) == []


def test_a_role_without_rules_has_no_problems():
    assert input_rules.problems('lab_reset', {}, 'en') == []


@pytest.mark.parametrize('lang', ['en', 'es'])
def test_the_report_defaults_break_no_rule(lang):
    assert input_rules.problems('lab_report', DEFAULTS['lab_report'], lang) == []


@pytest.mark.parametrize('lang, words', [('en', 'not in the inventory: vm3, vm9'), ('es', 'no están en el inventario: vm3, vm9')])
def test_report_hosts_outside_the_inventory_are_named(lang, words):
    problems = input_rules.problems('lab_report', dict(DEFAULTS['lab_report'], lab_report_hosts=['vm1', 'vm3', 'vm9']),
                                    lang)
    assert len(problems) == 1 and problems[0].startswith('lab_report_hosts ') and words in problems[0], problems


BROKEN = [
    # range
    pytest.param('lab_users', {'lab_users_uid': 0}, ['lab_users_uid', '1', '65534', '0'], id='range-below'),
    pytest.param('lab_users', {'lab_users_uid': 65535}, ['lab_users_uid', '65535'], id='range-above'),
    pytest.param('lab_users', {'lab_users_uid': '1234'}, ['lab_users_uid', '"1234"'], id='range-string'),
    pytest.param('lab_users', {'lab_users_uid': True}, ['lab_users_uid', 'true'], id='range-bool'),
    pytest.param('lab_users', {'lab_users_uid': None}, ['lab_users_uid', 'null'], id='range-missing'),
    pytest.param('lab_nginx', {'lab_nginx_port': 65536}, ['lab_nginx_port', '65535', '65536'], id='range-port'),
    pytest.param('lab_nginx', {'lab_nginx_http_timeout': 61}, ['lab_nginx_http_timeout', '60', '61'],
                 id='range-http-timeout'),
    pytest.param('lab_network', {'lab_network_timeout': 0}, ['lab_network_timeout', '60', '0'], id='range-timeout'),
    # container_name
    pytest.param('lab_nginx', {'lab_nginx_container': 'web server'}, ['lab_nginx_container', '"web server"'],
                 id='container-name-space'),
    pytest.param('lab_nginx', {'lab_nginx_container': '-web'}, ['lab_nginx_container', '"-web"'],
                 id='container-name-leading-dash'),
    pytest.param('lab_nginx', {'lab_nginx_container': ''}, ['lab_nginx_container', '""'], id='container-name-empty'),
    pytest.param('lab_users', {'lab_users_remapped_container': 'ñandú'}, ['lab_users_remapped_container', 'ñandú'],
                 id='container-name-non-ascii'),
    pytest.param('lab_network', {'lab_network_lonely_client': None}, ['lab_network_lonely_client', 'null'],
                 id='container-name-missing'),
    # network_name
    pytest.param('lab_network', {'lab_network_name': 'bridge'}, ['lab_network_name', '"bridge"'],
                 id='network-name-bridge'),
    pytest.param('lab_network', {'lab_network_name': 'host'}, ['lab_network_name', '"host"'], id='network-name-host'),
    pytest.param('lab_network', {'lab_network_name': ''}, ['lab_network_name', '""'], id='network-name-empty'),
    pytest.param('lab_network', {'lab_network_name': 'my net'}, ['lab_network_name', '"my net"'],
                 id='network-name-space'),
    # distinct
    pytest.param('lab_users', {'lab_users_uid_container': 'lab_user_root'},
                 ['lab_users_root_container, lab_users_uid_container, lab_users_remapped_container',
                  '["lab_user_root", "lab_user_root", "lab_user_remapped"]'], id='distinct-users'),
    pytest.param('lab_network', {'lab_network_bridge_client': 'web_server'},
                 ['lab_network_server, lab_network_bridge_client, lab_network_lonely_client', '"web_server"'],
                 id='distinct-network'),
    pytest.param('lab_overlay', {'lab_overlay_twin_container': 'lab_overlay'},
                 ['lab_overlay_container, lab_overlay_twin_container', '"lab_overlay"'], id='distinct-overlay'),
    pytest.param('lab_overlay', {'lab_overlay_container': 'my overlay'}, ['lab_overlay_container', '"my overlay"'],
                 id='container-name-overlay'),
    pytest.param('lab_scratch', {'lab_scratch_container': '-x'}, ['lab_scratch_container', '"-x"'],
                 id='container-name-scratch'),
    # nonempty
    pytest.param('lab_users', {'lab_users_userns_remap_user': '  '}, ['lab_users_userns_remap_user', '"  "'],
                 id='nonempty-blank'),
    pytest.param('lab_users', {'lab_users_userns_remap_user': None}, ['lab_users_userns_remap_user', 'null'],
                 id='nonempty-missing'),
    # absolute_path
    pytest.param('lab_users', {'lab_users_share_dir': 'microlab/users'}, ['lab_users_share_dir', '"microlab/users"'],
                 id='absolute-path-relative'),
    pytest.param('lab_users', {'lab_users_share_dir': ''}, ['lab_users_share_dir', '""'], id='absolute-path-empty'),
    pytest.param('lab_users', {'lab_users_share_dir': None}, ['lab_users_share_dir', 'null'],
                 id='absolute-path-missing'),
    pytest.param('lab_users', {'lab_users_share_dir': 7}, ['lab_users_share_dir', '7'], id='absolute-path-number'),
    # in_inventory, above_zero, at_least (lab_report)
    pytest.param('lab_report', {'lab_report_hosts': 'vm1'}, ['lab_report_hosts', '"vm1"'], id='hosts-text'),
    pytest.param('lab_report', {'lab_report_hosts': ['vm1', '']}, ['lab_report_hosts', '""'], id='hosts-empty-name'),
    pytest.param('lab_report', {'lab_report_hints_per_step': 0.0}, ['lab_report_hints_per_step', '0.0'],
                 id='above-zero-zero'),
    pytest.param('lab_report', {'lab_report_hints_per_step': True}, ['lab_report_hints_per_step', 'true'],
                 id='above-zero-bool'),
    pytest.param('lab_report', {'lab_report_refresh': -1}, ['lab_report_refresh', '-1'], id='at-least-refresh'),
    pytest.param('lab_report', {'lab_report_dir': ' '}, ['lab_report_dir', '" "'], id='nonempty-dir'),
    pytest.param('lab_report', {'lab_report_session_start': '2026-11-25 10:00'},
                 ['lab_report_session_start', '2026-11-25T10:00:00Z', '"2026-11-25 10:00"'], id='session-start-format'),
    pytest.param('lab_report', {'lab_report_session_start': '2026-13-25T10:00:00Z'},
                 ['lab_report_session_start', '"2026-13-25T10:00:00Z"'], id='session-start-month'),
    pytest.param('lab_report', {'lab_report_session_end': '2026-11-25 12:00'},
                 ['lab_report_session_end', '2026-11-25T10:00:00Z', '"2026-11-25 12:00"'], id='session-end-format'),
    # scoring_table, one_of (lab_report's grades)
    pytest.param('lab_report', {'lab_report_scoring': {'hint': -1}}, ['lab_report_scoring.hint', '-1', '1000'],
                 id='scoring-negative-cost'),
    pytest.param('lab_report', {'lab_report_scoring': {'steps': {'users_root': True}}},
                 ['lab_report_scoring.steps.users_root', 'True'], id='scoring-bool-points'),
    pytest.param('lab_report', {'lab_report_scoring': {'solved_by_lab': float('nan')}},
                 ['lab_report_scoring.solved_by_lab', 'nan'], id='scoring-nan'),
    pytest.param('lab_report', {'lab_report_scoring': {'steps': {'users_uid': '10'}}},
                 ['lab_report_scoring.steps.users_uid', '10'], id='scoring-text-points'),
    pytest.param('lab_report', {'lab_report_grades_identifier': 'mail'},
                 ['lab_report_grades_identifier', 'username, email, idnumber', '"mail"'], id='one-of-identifier'),
    pytest.param('lab_users', {'lab_users_share_dir': '/'}, ['lab_users_share_dir', '"/"'], id='absolute-path-root'),
    pytest.param('lab_users', {'lab_users_share_dir': '/tmp/'}, ['lab_users_share_dir', '"/tmp/"'],
                 id='absolute-path-tmp'),
    pytest.param('lab_users', {'lab_users_share_dir': '/etc'}, ['lab_users_share_dir', '"/etc"'],
                 id='absolute-path-etc'),
    pytest.param('lab_users', {'lab_users_share_dir': '/var/lib'}, ['lab_users_share_dir', '"/var/lib"'],
                 id='absolute-path-var-lib'),
    pytest.param('lab_users', {'lab_users_share_dir': '/var/lib/microlab/../../../etc'},
                 ['lab_users_share_dir', '../etc'], id='absolute-path-dot-dot'),
    pytest.param('lab_users', {'lab_users_share_dir': '/srv/a\nb'}, ['lab_users_share_dir', '"/srv/a\\nb"'],
                 id='absolute-path-newline'),
]


@pytest.mark.parametrize('lang, changes, words', [
    ('en', {'lab_report_scoring': {'step': {}}}, 'has the key step, which the scoring table does not know'),
    ('es', {'lab_report_scoring': {'step': {}}}, 'tiene la clave step, que la tabla de puntajes no conoce'),
    ('en', {'lab_report_scoring': {'steps': {'users_rot': 5}}}, 'has the step users_rot, which the lab does not know'),
    ('es', {'lab_report_scoring': {'steps': []}}, 'lab_report_scoring.steps tiene que ser un diccionario YAML'),
    ('en', {'lab_report_scoring': [10]}, 'lab_report_scoring must be a mapping'),
    ('es', {'lab_report_scoring': 'hint=1'}, 'lab_report_scoring tiene que ser un diccionario YAML'),
    ('en', {'lab_report_session_start': '2026-11-25T10:00:00Z', 'lab_report_session_end': '2026-11-25T10:00:00Z'},
     'lab_report_session_end (2026-11-25T10:00:00Z) must be later than lab_report_session_start'),
    ('es', {'lab_report_session_start': '2026-11-25T10:00:00Z', 'lab_report_session_end': '2026-11-25T09:00:00Z'},
     'lab_report_session_end (2026-11-25T09:00:00Z) tiene que ser posterior a lab_report_session_start'),
])
def test_a_bad_scoring_table_or_window_is_one_sentence_in_the_language(lang, changes, words):
    problems = input_rules.problems('lab_report', dict(DEFAULTS['lab_report'], **changes), lang)
    assert len(problems) == 1 and words in problems[0], problems


@pytest.mark.parametrize('changes', [
    {'lab_report_scoring': {'steps': {'users_root': 0, 'networks_differ': 2.5}, 'hint': 0, 'solved_by_lab': 1000}},
    {'lab_report_grades_identifier': 'idnumber', 'lab_report_scoring': {'hint': 1}},
    {'lab_report_session_end': '2026-11-25T12:00:00Z'},
    {'lab_report_session_start': '2026-11-25T10:00:00Z', 'lab_report_session_end': '2026-11-25T10:00:01Z'},
])
def test_a_good_scoring_table_and_window_pass(changes):
    assert input_rules.problems('lab_report', dict(DEFAULTS['lab_report'], **changes), 'en') == []


@pytest.mark.parametrize('value', ['/var/lib/microlab/users', '/srv/share/', '/home/student/lab', '/tmp/lab'])
def test_a_directory_of_its_own_is_a_good_share_dir(value):
    assert input_rules.problems('lab_users', dict(DEFAULTS['lab_users'], lab_users_share_dir=value), 'en') == []


@pytest.mark.parametrize('role, changes, facts', BROKEN)
@pytest.mark.parametrize('lang', ['en', 'es'])
def test_one_broken_rule_is_one_sentence_in_the_language(lang, role, changes, facts):
    problems = input_rules.problems(role, dict(DEFAULTS[role], **changes), lang)
    assert len(problems) == 1, problems
    assert MUST[lang] in problems[0] and GOT[lang] in problems[0]
    for fact in facts:
        assert fact in problems[0], (fact, problems[0])


@pytest.mark.parametrize('lang', ['en', 'es'])
def test_every_broken_rule_is_said_at_once(lang):
    values = dict(DEFAULTS['lab_network'], lab_network_name='none', lab_network_server='a b',
                  lab_network_bridge_client='a b', lab_network_timeout=99)
    problems = input_rules.problems('lab_network', values, lang)
    assert [p.split(' ')[0] for p in problems] == ['lab_network_name', 'lab_network_server',
                                                   'lab_network_bridge_client', 'lab_network_server,',
                                                   'lab_network_timeout']


def test_an_unknown_rule_is_a_bug():
    with pytest.raises(ValueError, match='unknown input rule'):
        input_rules.check(('even',), {})


# The action plugin, with a fake loader and templar -------------------------------------------------------------

class FakeTemplar(object):
    def copy_with_new_env(self, available_variables):
        return self

    def template(self, data):
        return data


class FakeLoader(object):
    def load_from_file(self, path, trusted_as_template=False):
        role = path.split('/roles/')[1].split('/')[0]
        return dict(DEFAULTS[role])


class FakeTask(object):
    def __init__(self, args):
        self.args = args


def action(args):
    module = lab_input.ActionModule.__new__(lab_input.ActionModule)
    module._task, module._loader, module._templar = FakeTask(args), FakeLoader(), FakeTemplar()
    return module


@pytest.fixture
def base_run(monkeypatch):
    monkeypatch.setattr(ActionBase, 'run', lambda self, tmp=None, task_vars=None: {})


def test_run_returns_each_roles_input_with_real_types(base_run):
    result = action({'role': ['lab_users', 'lab_nginx']}).run(task_vars={
        'lab_users_userns_remap': 'true', 'lab_users_uid': '2000', 'lab_users_uid_container': 'lab_user_2000',
        'lab_nginx_port': '8080', 'lab_language': 'en'})
    assert result['changed'] is False and 'failed' not in result
    users = result['ansible_facts']['lab_users_input']
    assert (users['uid'], users['userns_remap'], users['uid_container']) == (2000, True, 'lab_user_2000')
    assert users['share_dir'] == '/var/lib/microlab/users'
    assert result['ansible_facts']['lab_nginx_input']['port'] == 8080
    assert result['ansible_facts']['lab_nginx_input']['language'] == 'es'


def test_run_with_scenarios_checks_every_scenario_and_says_what_lab_observe_reads(base_run):
    result = action({'role': ['lab_nginx'], 'scenarios': True}).run(task_vars={'lab_files_uid': '2000'})
    facts = result['ansible_facts']
    assert sorted(facts) == sorted(['%s_input' % role for role in SCENARIO_ROLES]
                                   + ['lab_scenario_observe', 'lab_scenario_every_input'])
    assert list(facts['lab_scenario_observe']) == list(scenarios.NAMES)
    assert facts['lab_scenario_every_input'] == dict((unit.NAME, facts[unit.ROLE + '_input']) for unit in scenarios.UNITS)
    assert list(facts['lab_scenario_every_input']) == list(scenarios.NAMES)
    assert facts['lab_scenario_observe']['files'] == dict(scenarios.default_spec()['files'], uid=2000)
    assert 'language' not in facts['lab_scenario_observe']['nginx']
    assert 'lab_scenario_observe' not in action({'role': ['lab_nginx']}).run(task_vars={})['ansible_facts']


def test_run_with_scenarios_not_a_boolean_fails(base_run):
    with pytest.raises(AnsibleActionFail, match='scenarios is true or false'):
        action({'role': ['lab_nginx'], 'scenarios': 'yes'}).run(task_vars={})


@pytest.mark.parametrize('language, expected', [
    ('en', "The lab's settings are not valid, nothing was changed: lab_nginx_container must be a Docker container "
           'name: letters, digits, _ . - (got "a b"). lab_nginx_port must be an integer from 1 to 65535 (got 0).'),
    ('es', 'La configuración del laboratorio no es válida, no se cambió nada: lab_nginx_container tiene que ser un '
           'nombre de contenedor de Docker: letras, dígitos, _ . - (se recibió "a b"). lab_nginx_port tiene que ser '
           'un número entero de 1 a 65535 (se recibió 0).'),
])
def test_run_fails_with_every_problem_in_the_roles_language(base_run, language, expected):
    result = action({'role': 'lab_nginx'}).run(task_vars={'lab_nginx_port': 0, 'lab_nginx_container': 'a b',
                                                          'lab_nginx_language': language})
    assert result['failed'] is True and 'ansible_facts' not in result
    assert result['msg'] == expected
    assert len(result['problems']) == 2


def test_run_reports_type_errors_before_rules(base_run):
    result = action({'role': 'lab_nginx'}).run(task_vars={'lab_nginx_port': 'eighty'})
    assert result['failed'] is True
    assert len(result['problems']) == 1 and 'lab_nginx_port' in result['problems'][0]


@pytest.mark.parametrize('args', [{}, {'role': ''}, {'role': []}, {'role': [1]}])
def test_run_without_a_role_fails(base_run, args):
    with pytest.raises(AnsibleActionFail, match='give role'):
        action(args).run(task_vars={})


@pytest.mark.parametrize('lang, words', [('en', 'must be a text value'), ('es', 'tiene que ser un texto')])
@pytest.mark.parametrize('value', [{'not': 'a string'}, ['a', 'list']])
def test_a_list_or_dict_for_a_text_option_is_refused_not_turned_into_its_repr(lang, words, value):
    options = {'lab_users_userns_remap_user': {'type': 'str'}, 'lab_users_uid': {'type': 'int'}}
    found = [input_rules.catalog.text(lang, key, **params) for key, params in
             input_rules.text_problems(options, {'lab_users_userns_remap_user': value, 'lab_users_uid': 5})]
    assert len(found) == 1 and 'lab_users_userns_remap_user' in found[0] and words in found[0]
