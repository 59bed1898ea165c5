# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The catalogs: same keys, placeholders and kinds in every language; every key the code uses exists; every
message renders; Spanish says nothing in English and English nothing in Spanish."""

from __future__ import annotations

import glob
import os
import re
import string

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_text import lab_text
from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_steps, scenarios

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
LANGS = sorted(catalog.LANGUAGES)
REFERENCE = 'en'
KEYS = sorted(set(key for lang in LANGS for key in catalog.messages(lang)))
# Keys built at run time: lab_explain says '<scenario>.<part>' and 'status.<status>'.
DYNAMIC_KEYS = (['%s.%s' % (scenario, part) for scenario in scenarios.NAMES
                 for part in ('title', 'done', 'look', 'commands', 'why', 'notes', 'errata')]
                + ['status.pass', 'status.fail']
                # lab_explain.py: 'label.' + a part of the chapter's comments.
                + ['label.notes', 'label.errata']
                # lab_cli.py: 'ch.status.' + a step's state.
                + ['ch.status.%s' % state for state in ('done', 'earlier', 'todo')]
                # class_report.py and report.html.j2: a status, a reason id, a flag, a column, a cell's state.
                + ['report.status.%s' % status for status in ('pass', 'fail', 'unreachable')]
                + ['report.reason.%s' % reason for reason in ('unreachable', 'verify_error', 'no_outcomes', 'failing',
                                                              'no_steps', 'at_step')]
                + ['report.table.%s' % flag for flag in ('stuck', 'hint_heavy')]
                + ['report.html.col.%s' % column for column in ('student', 'host', 'status', 'steps', 'hints',
                                                                'solved', 'idle', 'attention', 'step', 'message',
                                                                'waiting')]
                + ['report.html.state.%s' % state for state in ('pass', 'earlier', 'todo', 'missing')]
                # report_glance.py: a scenario's title and a column's short title, by id.
                + ['report.group.%s' % scenario for scenario in scenarios.NAMES]
                + ['report.short.%s' % oid for ids in scenarios.OUTCOMES.values() for oid in ids]
                + ['report.short.%s' % step for step in lab_steps.STEP_IDS]
                # grades.py and class_report.py: the identifier's column head, why a student is left out.
                + ['report.grades.id.%s' % identifier for identifier in ('username', 'email', 'idnumber')]
                + ['report.grades.%s' % reason for reason in ('no_identifier', 'not_graded')])
KEY_PREFIXES = scenarios.NAMES + ('ev', 'err', 'input', 'label', 'word', 'status', 'reset', 'ch', 'report', 'class',
                                  'images', 'terminal', 'watch')
# Keys built from a step id, e.g. 'ch.%s.title' % step in lab_cli.py and lab_steps.py.
STEP_KEY = re.compile(r"""['"]ch\.%s\.([a-z0-9_]+)['"]""")
# A scenario's comments on the chapter: a part may have no item.
MAY_BE_EMPTY = set('%s.%s' % (scenario, part) for scenario in scenarios.NAMES for part in ('notes', 'errata'))
# Lists whose length is each language's own: the answers `lab reset` takes as yes.
OWN_LENGTH = {'ch.reset.yes'}
QUOTED_KEY = re.compile(r"""['"]((?:%s)(?:\.[a-z0-9_]+)+)['"]""" % '|'.join(KEY_PREFIXES))


def fields(template):
    """The str.format field names of a message (every line of a list message)."""
    lines = template if isinstance(template, list) else [template]
    return sorted(set(name for line in lines for literal, name, spec, conversion in string.Formatter().parse(line) if name is not None))


def code_files():
    """The Python plugins and the roles' and playbooks' YAML and templates, where catalog keys are named."""
    patterns = ['plugins/**/*.py', 'roles/**/*.yml', 'roles/**/*.j2', 'playbooks/**/*.yml', '*.yml']
    found = set()
    for pattern in patterns:
        found.update(glob.glob(os.path.join(ROOT, pattern), recursive=True))
    return sorted(path for path in found if not re.search(r'catalog_[a-z]+\.py$', path))


def keys_used_in_code():
    used = {}
    for path in code_files():
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        for key in QUOTED_KEY.findall(text):
            used.setdefault(key, []).append(os.path.relpath(path, ROOT))
        for part in STEP_KEY.findall(text):
            for step in lab_steps.STEP_IDS:
                used.setdefault('ch.%s.%s' % (step, part), []).append(os.path.relpath(path, ROOT))
    return used


# Keys, kinds, placeholders ------------------------------------------------------------------------------------

@pytest.mark.parametrize('lang', LANGS)
def test_every_language_has_the_same_keys(lang):
    assert sorted(catalog.messages(lang)) == KEYS


@pytest.mark.parametrize('key', KEYS)
@pytest.mark.parametrize('lang', [lang for lang in LANGS if lang != REFERENCE])
def test_same_kind_and_placeholders_in_every_language(lang, key):
    assert key in catalog.messages(REFERENCE) and key in catalog.messages(lang)
    reference, other = catalog.messages(REFERENCE)[key], catalog.messages(lang)[key]
    assert type(other) is type(reference)
    assert isinstance(reference, (str, list))
    assert fields(other) == fields(reference)
    if isinstance(reference, list) and key not in OWN_LENGTH:
        assert len(other) == len(reference)
        assert all(isinstance(line, str) for line in other)


@pytest.mark.parametrize('key', KEYS)
def test_go_templates_are_not_placeholders_of_the_caller(key):
    """A text that uses {go_pid} and friends gets it from catalog.GO_TEMPLATES; no other field starts with go_."""
    for name in fields(catalog.messages(REFERENCE)[key]):
        assert not name.startswith('go_') or name in catalog.GO_TEMPLATES


def test_the_code_names_catalog_keys_that_the_scan_finds():
    """The scan itself works: a few keys known to be used are found where they are used."""
    used = keys_used_in_code()
    assert 'plugins/module_utils/scenarios/network.py' in used['ev.curl_timeout']
    assert 'plugins/module_utils/input_rules.py' in used['input.range']
    assert 'plugins/filter/lab_containers.py' in used['err.container_not_lab']
    assert 'plugins/modules/lab_observe.py' in used['err.outcomes_failed']
    assert 'roles/lab_users/tasks/userns.yml' in used['users.userns_warning']


@pytest.mark.parametrize('key', KEYS)
def test_every_key_of_the_catalogs_is_used(key):
    """A key no code names (nor lab_explain builds) is dead text that nobody keeps right."""
    assert key in keys_used_in_code() or key in DYNAMIC_KEYS


@pytest.mark.parametrize('key', sorted(set(keys_used_in_code()) | set(DYNAMIC_KEYS)))
@pytest.mark.parametrize('lang', LANGS)
def test_every_key_the_code_uses_exists(lang, key):
    assert key in catalog.messages(lang), keys_used_in_code().get(key, ['built by lab_explain'])


# Rendering -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('key', KEYS)
@pytest.mark.parametrize('lang', LANGS)
def test_every_message_renders_with_its_placeholders(lang, key):
    params = dict((name, '<%s>' % name) for name in fields(catalog.messages(lang)[key])
                  if name not in catalog.GO_TEMPLATES)
    out = catalog.text(lang, key, **params)
    lines = out if isinstance(out, list) else [out]
    # A scenario's notes or errata may be none at all (an empty list); every other message says something.
    assert (lines or key in MAY_BE_EMPTY) and all(isinstance(line, str) and line for line in lines)
    for name, value in params.items():
        assert any(value in line for line in lines), (name, lines)
    for name in fields(catalog.messages(lang)[key]):
        if name in catalog.GO_TEMPLATES:
            assert any(catalog.GO_TEMPLATES[name] in line for line in lines)


@pytest.mark.parametrize('lang', LANGS)
def test_a_missing_placeholder_is_an_error(lang):
    with pytest.raises(KeyError):
        catalog.text(lang, 'ev.missing')


@pytest.mark.parametrize('lang, key', [('fr', 'ev.missing'), ('es', 'ev.no_such_key'), ('en', 'list')])
def test_unknown_language_or_key_is_a_catalog_error(lang, key):
    with pytest.raises(catalog.CatalogError):
        catalog.text(lang, key, name='x')


@pytest.mark.parametrize('lang, expected', [
    ('en', 'web_server does not exist; curl_bridge exists but is not running (state exited)'),
    ('es', 'web_server no existe; curl_bridge existe pero no está en marcha (estado exited)'),
])
def test_render_nests_evidence_and_joins_lists(lang, expected):
    evidence = ('list', {'separator': '; ', 'items': [('ev.missing', {'name': 'web_server'}),
                                                      ('ev.not_running', {'name': 'curl_bridge', 'state': 'exited'})]})
    assert catalog.render(lang, evidence) == expected


@pytest.mark.parametrize('lang, expected', [('en', 'lab_user_1234 pid 7 (sleep) runs as host UID 1234 (student)'),
                                            ('es', 'lab_user_1234 pid 7 (sleep) corre con el UID 1234 del host '
                                                   '(student)')])
def test_render_renders_a_nested_pair_in_params(lang, expected):
    evidence = ('ev.users_runs_as', {'name': 'lab_user_1234', 'pid': 7, 'args': 'sleep', 'uids': '1234',
                                     'user': ('ev.users_user_name', {'user': 'student'})})
    assert catalog.render(lang, evidence) == expected


def test_lab_text_filter_says_a_key_and_wraps_errors():
    assert lab_text('ev.missing', 'en', name='web_server') == 'web_server does not exist'
    assert lab_text('ev.missing', 'es', name='web_server') == 'web_server no existe'
    for args, params in ((('ev.nope', 'es'), {}), (('ev.missing', 'fr'), {'name': 'x'}), (('ev.missing', 'en'), {})):
        with pytest.raises(AnsibleFilterError, match='lab_text'):
            lab_text(*args, **params)


# Language ------------------------------------------------------------------------------------------------------

# Function words: they only appear in a sentence of their own language. Words both languages share ("no",
# "a", "host", "bridge") are left out.
ENGLISH = frozenset('''
    the is are was were be been and not with from of to what why look does do did runs run it its this that these
    those for on in by but or has have had which when then there only would will should can could each after
    before an as at so also if into than they them their how under until other same here where while
'''.split())
SPANISH = frozenset('''
    el la los las que qué está están es son del una uno unos para por con pero sin y de en se su sus lo le les al
    como cuando porque también hay muy más ya ni ningún ninguna nada algo este esta ese esa hasta desde sobre
'''.split())
SPANISH_BIGRAMS = ('no es', 'no está', 'no hay')
# Technical tokens that would otherwise read as words; they are never checked.
ALLOWED = frozenset('listen bridge bridges netns http https curl docker dockerd nginx sleep infinity sudo ss ip'
                    .split())
CODE = re.compile(r'''
    \{[a-z_]+\}                 # a placeholder
  | `[^`]*`                     # a code span
  | "[^"]*"                     # a quoted literal: a command's output, a process name
  | \S*[/_.:=<>\[\]@$]\S*       # paths, identifiers, addresses, options' values
  | (?<!\w)--?[a-z][\w-]*       # command-line options
''', re.VERBOSE)


def prose(template):
    """The lines of a message a student reads as sentences: commands dropped, their # comments kept."""
    lines = []
    for line in (template if isinstance(template, list) else template.split('\n')):
        is_command = isinstance(template, list) or line.startswith('  ')
        if is_command:
            line = line.split('#', 1)[1] if '#' in line else ''
        lines.append(line)
    return ' '.join(lines)


def words(template):
    text = CODE.sub(' ', prose(template)).lower()
    return [word for word in re.findall(r"[^\W\d_]+", text) if word not in ALLOWED]


def foreign_words(lang, template):
    """The words of template that belong to the other language."""
    found = words(template)
    if lang == 'es':
        return sorted(set(w for w in found if w in ENGLISH))
    joined = ' '.join(found)
    return sorted(set(w for w in found if w in SPANISH) | set(b for b in SPANISH_BIGRAMS if
                                                              re.search(r'\b%s\b' % b, joined)))


@pytest.mark.parametrize('key', KEYS)
@pytest.mark.parametrize('lang', LANGS)
def test_no_sentence_in_the_other_language(lang, key):
    assert foreign_words(lang, catalog.messages(lang)[key]) == []


@pytest.mark.parametrize('lang, text, found', [
    ('es', 'the Docker engine does not answer: start it and run again', ['and', 'does', 'it', 'not', 'run', 'the']),
    ('es', 'web_server: what to look at', ['at', 'look', 'to', 'what']),
    ('es', 'nginx listens on :80 of THAT namespace', ['of', 'on', 'that']),
    ('es', ['ss -tln   # on the host: no :80'], ['on', 'the']),
    ('es', 'algo:\n  docker run --name x img sleep infinity   # runs as root', ['as', 'runs']),
    ('en', 'el motor de Docker no responde', ['de', 'el']),
    ('en', 'web_server no es del laboratorio', ['del', 'es', 'no es']),
    ('en', 'nothing listens on :{port}, pero {name} no está en marcha', ['en', 'está', 'no está', 'pero']),
])
def test_the_detector_finds_the_other_language(lang, text, found):
    assert foreign_words(lang, text) == found


@pytest.mark.parametrize('lang, text', [
    ('es', 'el namespace de red del contenedor: LISTEN en 0.0.0.0:{port} y [::]:{port}, bridge docker0'),
    ('es', 'uno recibe 200; el otro espera (no "connection refused")'),
    ('es', ["docker exec {name} curl -sI -m {timeout} {url}; echo \"exit code $?\"   # 28: tiempo agotado"]),
    ('es', 'comandos: `ps -o user,uid,pid,args -C sleep` y `docker top {name}`'),
    ('en', 'the host does not see it; Docker adds a NAT rule on the docker0 bridge'),
])
def test_the_detector_leaves_code_and_technical_words_alone(lang, text):
    assert foreign_words(lang, text) == []


def test_an_english_sentence_inserted_in_the_spanish_catalog_is_caught(monkeypatch):
    monkeypatch.setitem(catalog.messages('es'), 'ev.missing', '{name} does not exist, create it with the lab')
    assert foreign_words('es', catalog.messages('es')['ev.missing']) == ['does', 'it', 'not', 'the', 'with']
