# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every boolean and number a user can set works from the command line as well as from JSON.

`-e key=value` on the command line is always a string; `-e '{"key": value}'` is typed. For
every option of type bool, int or float in every role's meta/argument_specs.yml, a valid
value is passed both ways to the role's input check (its `check` entry point, which
lab.yml's first play runs; for a role without one, its `main` argument spec for that
option, with ansible.builtin.validate_argument_spec), on this
machine, and:
- test_input_is_accepted: the check passes;
- test_input_fact_is_typed: afterwards the fact `<role>_input` holds the option (by its
  name without the role prefix) as a real bool/int/float equal to the value.

The fact comes from the `microlab.docker_internals.lab_input` action plugin, which every role's input check calls.

Each role and form is one ansible-playbook run with all of that role's typed options (a
check entry point only templates and asserts: nothing changes on this machine), so that a
run costs Ansible's start once per role rather than once per option; the runs go two at a
time, once for both tests. A value one option refuses fails its role's run, and the test
names the option and shows the run's output.
"""

from __future__ import annotations

import concurrent.futures
import glob
import json
import os
import subprocess
import tempfile

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_TYPES = {'bool': bool, 'int': int, 'float': float}
FORMS = ('key=value', 'json')
# Variables a check needs beside the option (lab.yml runs lab_students' check only
# for a roster row, which names a student).
CONTEXT_VARS = {'lab_students': {'student': 'ana'}}


def _valid_value(spec):
    """A valid value of the option's type: a bool's opposite of its default, a number's default."""
    kind = spec['type']
    default = spec.get('default')
    if kind == 'bool':
        return not default if isinstance(default, bool) else True
    if isinstance(default, PYTHON_TYPES[kind]) and not isinstance(default, bool):
        return default
    return {'int': 1, 'float': 1.0}[kind]


def typed_options():
    """[(role, option, type, value, entry point)] for every bool/int/float option of every role."""
    found = []
    for path in sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'meta', 'argument_specs.yml'))):
        role = path.split(os.sep)[-3]
        with open(path, encoding='utf-8') as handle:
            specs = yaml.safe_load(handle)['argument_specs']
        entry = 'check' if 'check' in specs else 'main'
        seen = {}
        for point in [entry] + sorted(p for p in specs if p != entry):
            for option, spec in (specs[point].get('options') or {}).items():
                if spec.get('type') in PYTHON_TYPES and option not in seen:
                    seen[option] = (role, option, spec['type'], _valid_value(spec), entry)
        found.extend(seen[option] for option in sorted(seen))
    return found


OPTIONS = typed_options()


def _cli_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def _playbook(role, cases, entry, out):
    if entry == 'check':
        validate = {'name': 'Run the role\'s input check', 'ansible.builtin.include_role': {
            'name': 'microlab.docker_internals.' + role, 'tasks_from': 'check'}}
    else:
        spec = os.path.join(REPO, 'roles', role, 'meta', 'argument_specs.yml')
        validate = {'name': 'Validate the role\'s main argument spec', 'ansible.builtin.validate_argument_spec': {
            'argument_spec': "{{ (lookup('ansible.builtin.file', '%s') | from_yaml).argument_specs.main.options"
                             " | dict2items | selectattr('key', 'in', %r) | items2dict }}"
                             % (spec, [case[1] for case in cases]),
            'provided_arguments': dict((case[1], '{{ %s }}' % case[1]) for case in cases)}}
    record = {'name': 'Record the normalised input', 'ansible.builtin.copy': {
        'dest': out, 'mode': '0600',
        'content': "{{ {'input': %s_input | default(none)} | to_json }}" % role}}
    return [{'name': 'Input of %s' % role, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': [validate, record]}]


def _run_role(role, cases, form, work):
    """One ansible-playbook run giving every option of cases (one role's) in one form."""
    name = '%s-%s' % (role, 'kv' if form == 'key=value' else 'json')
    out = os.path.join(work, name + '.json')
    playbook = os.path.join(work, name + '.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(_playbook(role, cases, cases[0][4], out), handle)
    cmd = ['ansible-playbook', '-i', 'localhost,', playbook]
    for _role, option, _kind, value, _entry in cases:
        if form == 'key=value':
            cmd += ['-e', '%s=%s' % (option, _cli_value(value))]
        else:
            cmd += ['-e', json.dumps({option: value})]
    for key, extra in CONTEXT_VARS.get(role, {}).items():
        cmd += ['-e', '%s=%s' % (key, extra)]
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0')
    env['PATH'] = os.path.join(REPO, '.venv', 'bin') + os.pathsep + env.get('PATH', '')
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    recorded = None
    if os.path.exists(out):
        with open(out, encoding='utf-8') as handle:
            recorded = json.load(handle)['input']
    return {'cmd': cmd, 'rc': proc.returncode, 'output': proc.stdout + proc.stderr, 'input': recorded}


@pytest.fixture(scope='module')
def results():
    """{(role, form): result}, one run per role and form, run two at a time."""
    roles = {}
    for case in OPTIONS:
        roles.setdefault(case[0], []).append(case)
    with tempfile.TemporaryDirectory(prefix='microlab-cli-types-') as work:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = dict(((role, form), pool.submit(_run_role, role, cases, form, work))
                           for role, cases in roles.items() for form in FORMS)
            yield dict((key, future.result()) for key, future in futures.items())


def _params():
    return [pytest.param(case, form, id='%s-%s-%s' % (case[0], case[1], form)) for case in OPTIONS for form in FORMS]


def test_every_role_with_typed_options_is_covered():
    roles = set(case[0] for case in OPTIONS)
    assert {'docker_host', 'lab_users', 'lab_network', 'lab_nginx'} <= roles, roles
    assert all(case[2] in PYTHON_TYPES for case in OPTIONS)


def _describe(result):
    return '%s\nrc %s\n%s' % (' '.join(result['cmd']), result['rc'], result['output'][-3000:])


@pytest.mark.parametrize('case, form', _params())
def test_input_is_accepted(case, form, results):  # pylint: disable=redefined-outer-name
    result = results[(case[0], form)]
    assert result['rc'] == 0, 'a valid %s for %s (%s) was rejected:\n%s' % (case[2], case[1], form, _describe(result))


@pytest.mark.parametrize('case, form', _params())
def test_input_fact_is_typed(case, form, results):  # pylint: disable=redefined-outer-name
    role, option, kind, value, _entry = case
    result = results[(role, form)]
    assert result['rc'] == 0, _describe(result)
    fact = result['input']
    assert isinstance(fact, dict), 'no fact %s_input after the check (got %r)' % (role, fact)
    short = option[len(role) + 1:]
    assert short in fact, '%s_input has no %r: %r' % (role, short, fact)
    got = fact[short]
    assert isinstance(got, PYTHON_TYPES[kind]) and isinstance(got, bool) == (kind == 'bool') and got == value, \
        '%s_input.%s is %r (%s), expected the %s %r' % (role, short, got, type(got).__name__, kind, value)
