# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `lab` command: usage errors (exit 2, no argparse English), check's exit codes, hints, solve, reset,
the history file and --json. The engine is a fake; observations are recorded ones (test_lab_steps.py)."""

from __future__ import annotations

import ast
import copy
import datetime
import io
import json
import os

import pytest
import yaml

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_cli, lab_steps

from ansible_collections.microlab.docker_internals.tests.unit.plugins.module_utils.test_lab_steps import (
    CONFIG, LAB, chapter_done, container, fresh)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
ARGPARSE_ENGLISH = ('usage:', 'error:', 'invalid choice', 'unrecognized arguments', 'required', 'positional')


class FakeAPI(object):
    """The engine as the CLI sees it outside lab_steps.observe (which the tests replace)."""

    def __init__(self, inspect=None, labelled=((), ()), networks=None, down=None):
        self.inspect = inspect or {}
        self.labelled = labelled
        self.networks = networks or {}
        self.down = down

    def version(self):
        if self.down:
            raise self.down
        return {'Version': '20.10.24'}

    def inspect_container(self, name):
        return self.inspect.get(name)

    def list_networks(self, names):
        return dict((name, self.networks.get(name)) for name in names)

    def get(self, path):
        if path.startswith('/containers/json'):
            return 200, [{'Id': name, 'Names': ['/' + name]} for name in self.labelled[0]]
        return 200, [{'Name': name} for name in self.labelled[1]]

    def close(self):
        pass


@pytest.fixture
def lab(tmp_path, monkeypatch):
    """Run `lab ARGS` with a settings file, a fake engine and recorded observations; (rc, out, err)."""
    settings = dict(CONFIG, progress=str(tmp_path / 'progress.json'), runs=str(tmp_path / 'runs.json'), language='es')
    config_path = tmp_path / 'lab.json'
    config_path.write_text(json.dumps(settings))
    state = {'observations': [fresh()], 'commands': [], 'rc': 0, 'api': FakeAPI()}

    def observe(api, config, steps=lab_steps.STEP_IDS, runner=None, proc='/proc', runs=()):
        state['runs'] = list(runs() if callable(runs) else runs)
        observation = state['observations'][0] if len(state['observations']) == 1 else state['observations'].pop(0)
        return copy.deepcopy(observation)

    def runner(argv):
        state['commands'].append(argv)
        return state['rc'], '', 'boom' if state['rc'] else ''

    monkeypatch.setattr(lab_steps, 'observe', observe)
    monkeypatch.setattr(lab_cli.shutil, 'which', lambda name: '/usr/bin/' + name)

    def run(*argv, stdin=''):
        out, err = io.StringIO(), io.StringIO()
        rc = lab_cli.main(list(argv), config_path=str(config_path), api=state['api'], runner=runner, out=out, err=err,
                          stdin=io.StringIO(stdin),
                          now=lambda: datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone.utc))
        return rc, out.getvalue(), err.getvalue()

    run.state = state
    run.progress = lambda: json.loads((tmp_path / 'progress.json').read_text())
    run.config_path = config_path
    run.tmp_path = tmp_path
    return run


# Usage errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize('argv, message', [
    ([], 'Digan qué hacer: lab status, lab check, lab hint, lab solve, lab reset o lab ayuda.'),
    (['bogus'], 'No existe el comando "bogus": usen status, check, hint, solve, reset o ayuda.'),
    (['check', 'users_rot'], 'No existe el paso "users_rot". Los pasos son: users_root, users_uid'),
    (['hint', 'nope'], 'No existe el paso "nope".'),
    (['check', '--fast'], '"--fast" no es una opción de lab aquí (lab --help las muestra).'),
    (['--fast', 'check'], '"--fast" no es una opción de lab aquí'),
    (['status', '--yes'], '"--yes" no es una opción de lab aquí'),
    (['check', 'users_root', 'extra'], '"extra" no es una opción de lab aquí'),
    (['--lang', 'fr', 'status'], '--lang acepta `es` o `en` (se recibió "fr").'),
    (['status', '--lang'], 'Así no se usa lab (lab --help muestra cómo).'),
])
def test_usage_errors_exit_2_in_the_students_language_without_argparse_english(lab, argv, message):
    rc, out, err = lab(*argv)
    assert rc == 2 and out == ''
    assert message in err and 'Uso: lab [--lang es|en] COMANDO' in err
    assert not any(word in err for word in ARGPARSE_ENGLISH), err
    assert lab.state['commands'] == []


def test_usage_error_in_english_with_lang(lab):
    rc, _out, err = lab('check', 'nope', '--lang', 'en')
    assert rc == 2 and err.startswith('There is no step "nope".')


def test_help_is_the_catalogs(lab):
    rc, out, _err = lab('--help')
    assert rc == 0 and out.startswith('Uso: lab [--lang es|en] COMANDO') and 'Pasos: users_root' in out
    assert lab('check', '-h')[1] == out
    assert lab('--lang', 'en', '--help')[1].startswith('Usage: lab')


def test_missing_settings_say_how_to_prepare_the_vm(lab):
    lab.config_path.unlink()
    rc, _out, err = lab('status')
    assert rc == 1 and 'lab.yml -e lab_mode=challenge' in err


def test_docker_permission_denied_says_join_the_docker_group(lab):
    lab.state['api'] = FakeAPI(down=PermissionError(13, 'Permission denied'))
    rc, _out, err = lab('check')
    assert rc == 1 and 'grupo docker' in err


# check ------------------------------------------------------------------------------------------


def test_check_fails_on_a_fresh_vm_and_says_what_to_do(lab):
    rc, out, _err = lab('check')
    assert rc == 1
    assert out.startswith('[FALLA] users_root: Un contenedor cuyo proceso corre como root (UID 0) en el host\n')
    assert 'Qué hacer: Inicien un contenedor' in out
    assert 'Pasan 0 de %d pasos.' % len(lab_steps.STEP_IDS) in out and 'Sigue: users_root' in out


def test_check_passes_when_the_chapter_is_done_and_records_when(lab):
    lab.state['observations'] = [chapter_done()]
    rc, out, _err = lab('check')
    assert rc == 0 and 'Pasan los %d pasos. ¡Muy bien!' % len(lab_steps.STEP_IDS) in out and 'Pasan por primera vez: users_root' in out
    progress = lab.progress()
    assert progress['started_at'] == '2026-11-25T10:00:00Z'
    assert set(e['first_passed_at'] for e in progress['steps'].values()) == {'2026-11-25T10:00:00Z'}
    assert lab.state['commands'] == []  # check never makes anything
    rc, out, _err = lab('check')
    assert rc == 0 and 'primera vez' not in out


def test_check_one_step(lab):
    observation = fresh()
    observation['containers']['x'] = container('x')
    observation['processes']['x'] = {'processes': [{'pid': 5, 'args': 'sleep 500', 'host_uid': 0, 'host_user': 'root'}]}
    lab.state['observations'] = [observation]
    assert lab('check', 'users_root')[0] == 0
    rc, out, _err = lab('--lang', 'en', 'check', 'users_uid')
    assert rc == 1 and out.startswith('[FAIL] users_uid') and 'Next: users_uid' in out


# status -----------------------------------------------------------------------------------------


def test_status_json(lab):
    observation = chapter_done()
    lab.state['observations'] = [observation]
    lab('check')
    broken = chapter_done()
    broken['containers']['eager_hopper'] = container('eager_hopper', running=False)
    del broken['processes']['eager_hopper']
    broken['runs'] = [run for run in broken['runs'] if run['name'] != 'eager_hopper']
    lab.state['observations'] = [broken]
    lab('hint', 'nginx_by_ip')
    rc, out, _err = lab('status', '--json', '--lang', 'en')
    data = json.loads(out)
    assert rc == 0 and data['language'] == 'en' and data['next'] == 'users_uid'
    steps = dict((s['id'], s) for s in data['steps'])
    assert [s['id'] for s in data['steps']] == list(lab_steps.STEP_IDS)
    assert steps['users_uid']['status'] == 'earlier' and steps['users_uid']['passes_now'] is False
    assert steps['users_root']['status'] == 'done' and steps['nginx_by_ip']['hints'] == 1
    assert steps['users_root']['title'] == 'A container whose process runs as root (UID 0) on the host'


def test_status_text(lab):
    rc, out, _err = lab('status')
    assert rc == 0 and out.splitlines()[0].split() == ['[', ']', 'users_root', 'por', 'hacer']
    assert 'Sigue: users_root' in out


def test_the_judge_gets_the_runs_of_this_session_only(lab):
    early, late = (dict(chapter_done()['runs'][0], id=ident * 64, created_at=at)
                   for ident, at in (('a', '2026-11-25T09:00:00Z'), ('b', '2026-11-25T11:00:00Z')))
    (lab.tmp_path / 'runs.json').write_text(json.dumps({'version': 1, 'runs': [early, late], 'networks': []}))
    lab('check')
    assert [run['id'] for run in lab.state['runs']] == ['a' * 64, 'b' * 64]
    lab('reset', '--yes')  # at 10:00: a new session
    assert lab.progress()['reset_at'] == '2026-11-25T10:00:00Z'
    lab('check')
    assert [run['id'] for run in lab.state['runs']] == ['b' * 64]


def test_runs_unreadable_are_no_runs(lab):
    (lab.tmp_path / 'runs.json').symlink_to('/etc/passwd')
    lab('check')
    assert lab.state['runs'] == []


# hint -------------------------------------------------------------------------------------------


def test_hints_progress_to_the_commands_and_are_counted(lab):
    outs = [lab('hint', 'users_uid')[1] for _time in range(4)]
    assert outs[0].startswith('Pista 1 de 3 para users_uid') and 'Otra pista: lab hint users_uid' in outs[0]
    assert outs[1].startswith('Pista 2 de 3') and '--user 1234 antes del nombre' in outs[1]
    assert outs[2].startswith('Pista 3 de 3')
    assert '  docker run -d --user 1234 microlab.local/lab-shell:bookworm sleep 500\n' in outs[2]
    assert 'lab solve users_uid' in outs[2] and outs[3] == outs[2].replace('Pista 3 de 3', 'Pista 3 de 3')
    assert lab.progress()['steps']['users_uid']['hints'] == 4


def test_hint_without_step_is_for_the_next_step(lab):
    rc, out, _err = lab('hint')
    assert rc == 0 and out.startswith('Pista 1 de 3 para users_root')
    lab.state['observations'] = [chapter_done()]
    assert 'no hace falta ninguna pista' in lab('hint')[1]


def test_hint_shows_the_servers_ip(lab):
    lab.state['api'] = FakeAPI(inspect={'web_server': {'Name': '/web_server', 'State': {'Running': True, 'Pid': 9},
                                                       'NetworkSettings': {'Networks': {'bridge': {'IPAddress': '172.17.0.9'}}}}})
    for _time in range(3):
        _rc, out, _err = lab('hint', 'network_bridge_200')
    assert 'curl -sI -m 2 http://172.17.0.9/' in out


# solve ------------------------------------------------------------------------------------------


def test_solve_runs_the_commands_and_says_solved_by_lab(lab):
    solved = fresh()
    solved['containers']['web_server'] = dict(chapter_done()['containers']['web_server'], labels=LAB)
    solved.update({k: chapter_done()[k] for k in ('sockets', 'http', 'processes')})
    lab.state['observations'] = [fresh(), solved]
    rc, out, _err = lab('solve', 'nginx_netns')
    assert rc == 0
    assert lab.state['commands'] == [['docker', 'run', '-d', '--name', 'web_server', '--label',
                                      'microlab.lab=docker_internals', '--label', 'microlab.lab.scenario=nginx',
                                      'microlab.local/lab-nginx:bookworm']]
    assert '$ docker run -d --name web_server' in out and 'nginx_netns pasa ahora, lo resolvió el laboratorio' in out
    steps = lab.progress()['steps']
    assert steps['nginx_netns']['first_passed_at'] and 'solved_by_lab' not in steps['nginx_netns']
    assert 'users_root' not in steps or not steps['users_root']['first_passed_at']
    lab.state['observations'] = [solved]
    steps = dict((s['id'], s) for s in json.loads(lab('status', '--json')[1])['steps'])
    assert steps['nginx_netns']['solved_by_lab'] and steps['nginx_by_ip']['solved_by_lab']
    assert not steps['users_uid']['solved_by_lab']


def test_solve_without_step_does_the_next_one_and_nothing_when_done(lab):
    lab.state['observations'] = [fresh(), fresh()]
    assert lab('solve')[0] == 1  # the fake engine does not change: the step still fails
    assert lab.state['commands'][0][-3:] == ['microlab.local/lab-shell:bookworm', 'sleep', 'infinity']
    lab.state['observations'] = [chapter_done()]
    rc, out, _err = lab('solve', 'users_root')
    assert rc == 0 and 'users_root ya pasa' in out
    assert 'no hay nada que resolver' in lab('solve')[1]


def test_solve_stops_at_a_failed_command(lab):
    lab.state['rc'] = 125
    rc, _out, err = lab('solve', 'networks_differ')
    assert rc == 1 and len(lab.state['commands']) == 1 and 'Este comando falló (código de salida 125)' in err


def test_solve_never_touches_a_students_stopped_container(lab):
    observation = fresh()
    observation['containers']['web_server'] = container('web_server', running=False)
    lab.state['observations'] = [observation]
    rc, _out, err = lab('solve', 'nginx_netns')
    assert rc == 1 and lab.state['commands'] == [] and 'docker start web_server' in err


# reset ------------------------------------------------------------------------------------------


def test_reset_removes_the_labs_then_asks_for_the_chapters(lab):
    lab.state['api'] = FakeAPI(inspect={'web_server': {'Name': '/web_server'}}, labelled=(['curl_bridge'], []),
                               networks={'lonely_curl': {'Name': 'lonely_curl'}})
    rc, out, _err = lab('reset', stdin='n\n')
    assert rc == 0 and lab.state['commands'] == [['docker', 'rm', '--force', 'curl_bridge']]
    assert '¿Borrar también los objetos del capítulo que hicieron ustedes (web_server, lonely_curl)? [s/N]' in out
    assert 'Se conservó: web_server, lonely_curl.' in out
    lab.state['commands'] = []
    rc, out, _err = lab('reset', stdin='sí\n')
    assert lab.state['commands'][1:] == [['docker', 'rm', '--force', 'web_server'], ['docker', 'network', 'rm', 'lonely_curl']]


def test_reset_yes_does_not_ask_and_leaves_the_rest(lab):
    lab.state['api'] = FakeAPI(inspect={'web_server': {'Name': '/web_server'}}, labelled=(['web_server'], ['lonely_curl']),
                               networks={'lonely_curl': {'Name': 'lonely_curl'}})
    rc, out, _err = lab('--lang', 'en', 'reset', '--yes')
    assert rc == 0 and '[y/N]' not in out
    assert lab.state['commands'] == [['docker', 'rm', '--force', 'web_server'], ['docker', 'network', 'rm', 'lonely_curl']]


def test_reset_with_nothing(lab):
    rc, out, _err = lab('reset', '--yes')
    assert rc == 0 and 'El laboratorio no había hecho nada' in out and lab.state['commands'] == []


# A raised hand ---------------------------------------------------------------------------------------


@pytest.mark.parametrize('argv', [['help'], ['ayuda'], ['help', '--help'], ['--lang', 'en', 'ayuda']])
def test_help_without_a_message_prints_usage_and_how_to_raise_a_hand(lab, argv):
    rc, out, err = lab(*argv)
    english = 'en' in argv
    assert (rc, err) == (0, '')
    assert ('lab help "MESSAGE"' if english else 'lab ayuda "MENSAJE"') in out
    assert ('lab help --done' if english else 'lab ayuda --listo') in out
    assert out.startswith('Usage: lab' if english else 'Uso: lab')
    assert not (lab.tmp_path / 'hand.json').exists()


@pytest.mark.parametrize('argv, lang, said', [
    (['ayuda', 'no me sale', 'el paso'], 'es', 'Levantaron la mano (desde las 10:00 UTC): "no me sale el paso".'),
    (['--lang', 'en', 'help', 'why 28?'], 'en', 'Your hand is raised (since 10:00 UTC): "why 28?".'),
    (['help', '<b>hola</b>'], 'es', 'Levantaron la mano (desde las 10:00 UTC): "<b>hola</b>".'),
])
def test_raising_a_hand_writes_it_next_to_the_history_in_the_students_language(lab, argv, lang, said):
    rc, out, err = lab(*argv)
    assert (rc, err) == (0, '') and out.startswith(said)
    hand = json.loads((lab.tmp_path / 'hand.json').read_text())
    assert hand == {'raised_at': '2026-11-25T10:00:00Z', 'message': said.split('"')[1]}
    assert lab.state['commands'] == []


@pytest.mark.parametrize('argv, said', [
    (['ayuda', '--listo'], 'Bajaron la mano.'), (['help', '--done'], 'Bajaron la mano.'),
    (['ayuda', '--done'], 'Bajaron la mano.'), (['--lang', 'en', 'help', '--listo'], 'Your hand is down.'),
])
def test_both_languages_words_lower_the_hand(lab, argv, said):
    assert lab('ayuda', 'x')[0] == 0
    assert lab(*argv) == (0, said + '\n', '')
    assert not (lab.tmp_path / 'hand.json').exists()
    assert lab(*argv)[1] in ('No tenían la mano levantada.\n', 'Your hand was not raised.\n')


def test_the_hand_needs_no_engine(lab):
    """A student whose engine is down is the one who needs help."""
    lab.state['api'] = FakeAPI(down=OSError('no engine'))
    assert lab('ayuda', 'docker no anda')[0] == 0


def test_status_shows_a_raised_hand(lab):
    lab('ayuda', 'no me sale')
    assert 'Mano levantada desde las 10:00 UTC: "no me sale" (lab ayuda --listo la baja).' in lab('status')[1]
    lab('ayuda', '--listo')
    assert 'Mano levantada' not in lab('status')[1]


def test_status_json_shows_the_hand_while_it_is_up(lab):
    assert json.loads(lab('status', '--json')[1])['hand'] is None
    lab('help', 'stuck on the veth')
    hand = json.loads(lab('status', '--json')[1])['hand']
    assert hand['message'] == 'stuck on the veth' and hand['raised_at'].endswith('Z')
    lab('help', '--done')
    assert json.loads(lab('status', '--json')[1])['hand'] is None


@pytest.mark.parametrize('argv, message', [
    (['ayuda', ' '], 'Digan en qué necesitan ayuda, entre comillas: lab ayuda "mensaje".'),
    (['ayuda', 'x' * 201], 'El mensaje tiene 201 caracteres; caben como máximo 200.'),
    (['ayuda', 'uno\ndos'], 'El mensaje tiene un carácter que el laboratorio no muestra (U+000A'),
    (['ayuda', 'a\u202eb'], '(U+202E'),
    (['help', '--now'], '"--now" no es una opción de lab aquí'),
    (['ayuda', '--listo', 'ya'], '"ya" no es una opción de lab aquí'),
])
def test_a_bad_message_exits_2_in_the_students_language_and_raises_nothing(lab, argv, message):
    rc, out, err = lab(*argv)
    assert (rc, out) == (2, '')
    assert message in err and 'Uso: lab [--lang es|en] COMANDO' in err
    assert not any(word in err for word in ARGPARSE_ENGLISH), err
    assert not (lab.tmp_path / 'hand.json').exists()


def test_a_bad_message_in_english_with_lang(lab):
    rc, _out, err = lab('--lang', 'en', 'help', 'x' * 300)
    assert rc == 2 and err.startswith('The message has 300 characters; at most 200 fit.')


def test_a_hand_that_cannot_be_saved_says_so(lab, monkeypatch):
    def denied(path, data):
        raise PermissionError(13, 'Permission denied', path)

    monkeypatch.setattr(lab_steps, 'save_progress', denied)
    rc, _out, err = lab('ayuda', 'x')
    assert rc == 1 and err == 'No se pudo guardar la mano en %s (Permission denied).\n' % (lab.tmp_path / 'hand.json')


# Installation -----------------------------------------------------------------------------------


def module_file(dotted):
    """The file of a module_utils module or package, relative to module_utils ('' when there is none)."""
    base = os.path.join(REPO, 'plugins', 'module_utils', *dotted.split('.'))
    if os.path.isdir(base):
        return os.path.relpath(os.path.join(base, '__init__.py'), os.path.join(REPO, 'plugins', 'module_utils'))
    return os.path.relpath(base + '.py', os.path.join(REPO, 'plugins', 'module_utils')) if os.path.exists(base + '.py') else ''


def imported_module_utils(name, seen=None):
    """The module_utils a module_utils file imports, transitively (paths relative to module_utils, packages' too)."""
    seen = set() if seen is None else seen
    if name in seen:
        return seen
    seen.add(name)
    path = os.path.join(REPO, 'plugins', 'module_utils', name)
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    prefix = 'ansible_collections.microlab.docker_internals.plugins.module_utils'
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix):
            rest = node.module[len(prefix):].lstrip('.')
            for alias in node.names:
                # `from package import name`: name is a submodule, or a name the package (or module) defines.
                found = module_file('.'.join(filter(None, (rest, alias.name)))) or module_file(rest)
                assert found, '%s imports %s.%s, which is not in module_utils' % (name, rest, alias.name)
                imported_module_utils(found, seen)
                if rest and module_file(rest) != found:
                    imported_module_utils(module_file(rest), seen)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split('.')[0] == 'ansible':
            raise AssertionError('%s imports Ansible: the lab command has no Ansible on the VM' % name)
    return seen


def test_the_role_installs_exactly_what_the_command_imports():
    """What the `lab` command and the recorder's entry point import, transitively."""
    with open(os.path.join(REPO, 'roles', 'lab_challenge', 'vars', 'main.yml'), encoding='utf-8') as handle:
        role_vars = yaml.safe_load(handle)
    # The units are globbed by the role (scenarios/*.py): the same glob here.
    units = sorted(os.path.join('scenarios', name)
                   for name in os.listdir(os.path.join(REPO, 'plugins', 'module_utils', 'scenarios')) if name.endswith('.py'))
    installed = role_vars['__lab_challenge_shared_module_utils'] + units
    assert sorted(installed) == sorted(imported_module_utils('lab_cli.py') | imported_module_utils('lab_recorder.py'))
