# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A scenario's options, declared once (after community.docker's OptionGroup): everything else is built from them.

From one ``Option`` per variable come the lab_observe module's argument spec (``argument_spec``), the `lab`
command's settings (``Option.challenge`` says where in lab.json the value goes) and what the role's
``defaults/main.yml``, ``meta/argument_specs.yml`` and the module's DOCUMENTATION must say
(tests/unit/plugins/module_utils/test_scenarios.py fails when one of them drifts). Standard library only.
"""

from __future__ import annotations


class Option:
    """One variable of a scenario role (``lab_<scenario>_<name>``).

    observed: passed to lab_observe (else the role alone uses it). challenge: its path in the `lab` command's
    settings ('uid', 'names.server'), or None. role_type/role_default/doc_default: what the role says when it
    differs from the module (a 'path' type; a default templated from another variable, and how it is shown).
    """

    def __init__(self, type, default, description, observed=True, challenge=None, role_type=None,
                 role_default=None, doc_default=None, choices=None):
        self.type = type
        self.default = default
        self.description = description
        self.observed = observed
        self.challenge = challenge
        self.role_type = role_type or type
        self.role_default = default if role_default is None else role_default
        self.doc_default = default if doc_default is None else doc_default
        self.choices = choices

    def spec(self):
        """The AnsibleModule argument spec entry."""
        spec = {'type': self.type, 'default': self.default}
        if self.choices:
            spec['choices'] = list(self.choices)
        return spec


LANGUAGES = ('es', 'en')

# Every scenario role also has these (lab_<scenario>_language, lab_<scenario>_fail_on_outcome).
COMMON = {
    'language': Option('str', 'es', "Language of this role's messages; follows lab_language.", observed=False,
                       role_default="{{ lab_language | default('es') }}", doc_default='lab_language',
                       choices=LANGUAGES),
    'fail_on_outcome': Option('bool', True, 'Fail the play when an outcome did not pass.', observed=False),
}


def argument_spec(options):
    """{name: argument spec} of the observed options."""
    return dict((name, option.spec()) for name, option in options.items() if option.observed)


def observed(options, inputs):
    """The observed options' values from a role's checked input (lab_input's <role>_input)."""
    return dict((name, inputs[name]) for name, option in options.items() if option.observed)


def defaults(options):
    """{name: default} of the observed options: what lab_observe applies when a value is not given."""
    return dict((name, option.default) for name, option in options.items() if option.observed)
