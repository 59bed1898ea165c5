# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A scenario's options are declared once, in its unit (module_utils/scenarios/*.py): what the lab_observe
module documents, what the scenario role's argument spec and defaults say, and the `lab` command's settings
must agree with it. Each test fails when one of them drifts."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_steps, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import options as option_utils
from ansible_collections.microlab.docker_internals.plugins.modules import lab_observe as observe_module

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
UNITS = [pytest.param(unit, id=unit.NAME) for unit in scenarios.UNITS]


def role_file(role, *parts):
    with open(os.path.join(REPO, 'roles', role, *parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def all_options(unit):
    return dict(unit.OPTIONS, **option_utils.COMMON)


def test_the_module_documents_the_scenarios_it_accepts():
    documented = yaml.safe_load(observe_module.DOCUMENTATION)['options']['scenarios']
    assert documented['choices'] == list(scenarios.NAMES) and documented['default'] == list(scenarios.NAMES)


@pytest.mark.parametrize('unit', UNITS)
def test_the_module_documents_each_observed_option_as_declared(unit):
    documented = yaml.safe_load(observe_module.DOCUMENTATION)['options'][unit.NAME]['suboptions']
    declared = dict((name, {'description': option.description, 'type': option.type, 'default': option.default})
                    for name, option in unit.OPTIONS.items() if option.observed)
    assert documented == declared


@pytest.mark.parametrize('unit', UNITS)
@pytest.mark.parametrize('entry_point', ['main', 'check'])
def test_the_roles_argument_spec_says_each_option_as_declared(unit, entry_point):
    spec = role_file(unit.ROLE, 'meta', 'argument_specs.yml')['argument_specs'][entry_point]['options']
    declared = dict(('%s_%s' % (unit.ROLE, name), {'type': option.role_type, 'default': option.doc_default})
                    for name, option in all_options(unit).items())
    said = dict((name, {'type': value['type'], 'default': value.get('default')})
                for name, value in spec.items() if name != 'lab_language')
    assert said == declared
    for name, option in all_options(unit).items():
        assert spec['%s_%s' % (unit.ROLE, name)].get('choices') == (list(option.choices) if option.choices else None)


@pytest.mark.parametrize('unit', UNITS)
def test_the_roles_defaults_are_the_declared_ones(unit):
    defaults = role_file(unit.ROLE, 'defaults', 'main.yml')
    assert defaults == dict(('%s_%s' % (unit.ROLE, name), option.role_default)
                            for name, option in all_options(unit).items())


# lab_challenge's variables follow the scenario roles' (templated), with the declared value as their fallback.
CHALLENGE_FOLLOWS = {
    'lab_challenge_uid': ('users', 'uid'),
    'lab_challenge_server': ('nginx', 'container'),
    'lab_challenge_network': ('network', 'name'),
    'lab_challenge_root_container': ('users', 'root_container'),
    'lab_challenge_bridge_client': ('network', 'bridge_client'),
    'lab_challenge_lonely_client': ('network', 'lonely_client'),
    'lab_challenge_timeout': ('network', 'timeout'),
}


@pytest.mark.parametrize('variable', sorted(CHALLENGE_FOLLOWS))
def test_the_challenge_roles_defaults_fall_back_to_the_declared_ones(variable):
    scenario, name = CHALLENGE_FOLLOWS[variable]
    unit = scenarios.BY_NAME[scenario]
    value = role_file('lab_challenge', 'defaults', 'main.yml')[variable]
    match = re.match(r"^\{\{ (\w+) \| default\('?([^')]*)'?\) \}\}$", value)
    assert match, value
    assert match.group(1) == '%s_%s' % (unit.ROLE, name)
    assert match.group(2) == str(unit.OPTIONS[name].default)


def test_the_challenge_roles_http_timeout_is_the_declared_one():
    assert (role_file('lab_challenge', 'defaults', 'main.yml')['lab_challenge_http_timeout']
            == scenarios.BY_NAME['nginx'].OPTIONS['http_timeout'].default)


def test_the_lab_commands_settings_come_from_the_units():
    for unit in scenarios.UNITS:
        for option in unit.OPTIONS.values():
            if option.challenge:
                place = lab_steps.DEFAULT_CONFIG
                for part in option.challenge.split('.'):
                    place = place[part]
                assert place == option.default


@pytest.mark.parametrize('unit', UNITS)
@pytest.mark.parametrize('lang', ['es', 'en'])
def test_every_unit_has_its_texts_in_both_catalogs(unit, lang):
    keys = set(catalog.messages(lang))
    assert set('%s.%s' % (unit.NAME, part) for part in ('title', 'done', 'look', 'commands', 'why')) <= keys
    assert set(key for step in unit.STEPS for key in lab_steps.hint_keys(step)) <= keys


def test_steps_outcomes_and_actions_are_unique_across_units():
    for attribute in ('STEPS', 'OUTCOMES'):
        found = [item for unit in scenarios.UNITS for item in getattr(unit, attribute)]
        assert len(found) == len(set(found))
    actions = [name for unit in scenarios.UNITS for name in unit.ACTIONS]
    assert len(actions) == len(set(actions))
    assert set(action for unit in scenarios.UNITS for step in unit.SOLVE.values() for action in step) <= set(actions)


def unit_files():
    folder = os.path.join(REPO, 'plugins', 'module_utils', 'scenarios')
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith('.py'))


def code_outside_the_units():
    """The collection's code and role tasks, without the units, the catalogs, the scenario roles and tests."""
    skip_roles = set(unit.ROLE for unit in scenarios.UNITS)
    for top in ('plugins', 'roles', 'playbooks'):
        for folder, dirs, files in os.walk(os.path.join(REPO, top)):
            rel = os.path.relpath(folder, REPO).split(os.sep)
            in_unit = rel[:3] == ['plugins', 'module_utils', 'scenarios']
            if in_unit or (top == 'roles' and len(rel) > 1 and rel[1] in skip_roles):
                continue
            for name in files:
                if name.endswith(('.py', '.yml')) and not name.startswith('catalog'):
                    yield os.path.join(folder, name)


@pytest.mark.parametrize('unit', UNITS)
def test_nothing_outside_a_unit_branches_on_its_name(unit):
    """No `== 'users'`, `if scenario == ...` or `'users' in ...` outside the unit (listing a name is allowed)."""
    branch = re.compile(r"""(==|!=)\s*['"]%s['"]|['"]%s['"]\s*(==|!=|in\b|not in\b)""" % (unit.NAME, unit.NAME))
    found = []
    for path in code_outside_the_units():
        with open(path, encoding='utf-8') as handle:
            for number, line in enumerate(handle, 1):
                if branch.search(line):
                    found.append('%s:%d: %s' % (os.path.relpath(path, REPO), number, line.strip()))
    assert found == []


def test_the_default_spec_is_what_the_module_applies_to_no_option():
    """What the tests build their specs from is what lab_observe's argument spec fills in."""
    validated = ArgumentSpecValidator(scenarios.argument_spec()).validate({})
    assert not validated.error_messages
    assert dict((name, validated.validated_parameters[name]) for name in scenarios.NAMES) == scenarios.default_spec()
    assert scenarios.default_spec()['network']['server'] == scenarios.default_spec()['nginx']['container']
