# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of microlab.docker_internals.lab_input (documented in plugins/modules/lab_input.py)."""

from __future__ import annotations

import functools
import os

import yaml

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.microlab.docker_internals.plugins.module_utils import input_rules, scenarios

ROLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'roles')
SHARED = ('lab_language',)
# libyaml's parser where PyYAML has it: the pure-Python one took most of this
# action's time, run once per VM (docs/benchmarks.md, the controller's CPU).
SAFE_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


def role_file(role, *parts):
    return os.path.join(ROLES_DIR, role, *parts)


@functools.lru_cache(maxsize=None)
def _argument_specs(path):
    """A role's meta/argument_specs.yml, read once per process (each role's file is asked for twice a run)."""
    with open(path) as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)['argument_specs']


def load_options(role, entry_point):
    """The options of a role's entry point, without their documented defaults (new dicts at each call)."""
    path = role_file(role, 'meta', 'argument_specs.yml')
    try:
        options = _argument_specs(path)[entry_point].get('options') or {}
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise AnsibleActionFail('lab_input: no argument spec %r for role %r in %s (%s)' % (entry_point, role, path, exc))
    return dict((name, _without_defaults(option)) for name, option in options.items())


def has_no_log(role, entry_point):
    """Whether an option of the role's entry point is marked no_log."""
    return any(option.get('no_log') for option in load_options(role, entry_point).values())


def _without_defaults(option):
    """An option spec whose default (documentation only, often a variable's name) is not applied."""
    option = dict((key, value) for key, value in option.items() if key not in ('default', 'description'))
    if isinstance(option.get('options'), dict):
        option['options'] = dict((name, _without_defaults(sub)) for name, sub in option['options'].items())
    return option


def short_name(role, name):
    """lab_users_uid -> uid; shared variables keep their name."""
    prefix = role + '_'
    return name[len(prefix):] if name.startswith(prefix) and name not in SHARED else name


class ActionModule(ActionBase):
    """Check roles' input and return it normalised as the facts <role>_input."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset(('role', 'entry_point', 'scenarios'))

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        roles = self._task.args.get('role')
        roles = [roles] if isinstance(roles, str) else roles
        if not roles or not all(isinstance(role, str) and role for role in roles):
            raise AnsibleActionFail("lab_input: give role, the name of one of the collection's roles (or a list)")
        every_scenario = self._task.args.get('scenarios', False)
        if not isinstance(every_scenario, bool):
            raise AnsibleActionFail('lab_input: scenarios is true or false')
        if every_scenario:
            roles = list(dict.fromkeys(roles + [unit.ROLE for unit in scenarios.UNITS]))
        facts, problems, secret = {}, [], False
        for role in roles:
            secret = secret or has_no_log(role, self._task.args.get('entry_point') or 'main')
            normalised, found = self.check_role(role, task_vars)
            facts[role + '_input'] = normalised
            problems += found
        if problems:
            result.update(failed=True, problems=[text for text, lang in problems],
                          msg=input_rules.catalog.text(problems[0][1], 'err.input',
                                                       problems=' '.join(text for text, lang in problems)))
            return result
        if every_scenario:
            # What lab_observe reads of each scenario (its option "observe"), from the registry.
            facts['lab_scenario_observe'] = dict((unit.NAME, scenarios.observe_options(unit.NAME, facts[unit.ROLE + '_input']))
                                                 for unit in scenarios.UNITS)
            # And each scenario's whole input, by scenario, for lab_scenario (lab.yml names no scenario).
            facts['lab_scenario_every_input'] = dict((unit.NAME, facts[unit.ROLE + '_input']) for unit in scenarios.UNITS)
        result.update(changed=False, ansible_facts=facts)
        if secret:
            # The facts hold values the argument spec marks no_log (password hashes): not shown, even with -v.
            result['_ansible_no_log'] = True
        return result

    def role_values(self, role, options, task_vars):
        """The role's variables, templated: its defaults (as inside the role) under the play's variables."""
        variables = dict(self._loader.load_from_file(role_file(role, 'defaults', 'main.yml'),
                                                     trusted_as_template=True) or {})
        variables.update(task_vars)
        templar = self._templar.copy_with_new_env(available_variables=variables)
        return templar.template(dict((name, variables[name]) for name in options if name in variables))

    @staticmethod
    def with_inventory(values, task_vars):
        """values, with the inventory's host names (and localhost) for the in_inventory rule."""
        hosts = list((task_vars.get('groups') or {}).get('all') or []) + ['localhost']
        return dict(values, **{input_rules.INVENTORY_KEY: hosts})

    def check_role(self, role, task_vars):
        """(normalised values, [(problem, language)]) of one role."""
        options = load_options(role, self._task.args.get('entry_point') or 'main')
        given = self.role_values(role, options, task_vars)
        validated = ArgumentSpecValidator(options).validate(given)
        values = validated.validated_parameters
        lang = (values.get(role + '_language') or values.get('lab_language')
                or ('en' if role in input_rules.OPERATOR_ROLES else 'es'))
        lang = lang if lang in ('es', 'en') else 'es'
        problems = ([input_rules.catalog.text(lang, key, **params)
                     for key, params in input_rules.text_problems(options, given)]
                    + list(validated.error_messages)
                    ) or input_rules.problems(
                        role, self.with_inventory(input_rules.as_given(options, given, values), task_vars), lang)
        normalised = dict((short_name(role, name), values.get(name)) for name in options if name in given)
        # The language of the role's own messages, also for roles without a <role>_language option.
        normalised.setdefault('language', lang)
        return normalised, [(problem, lang) for problem in problems]
