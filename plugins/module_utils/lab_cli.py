# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `lab` command on a student's VM (challenge mode): status, check, hint, solve, reset, help (a raised hand).

Installed by the lab_challenge role with the collection's module_utils,
byte for byte, and started by /usr/local/bin/lab, which only sets sys.path
and calls ``main()``. Standard library only; works for any member of the
docker group (lab_steps.py says what it reads). Every word the student reads
comes from the catalogs, argparse's own English messages included: the
parser's error() is replaced and help is the catalog's.

Exit codes: 0 done (for check: every checked step passes), 1 not yet or
the lab could not do it, 2 usage error (unknown command, step or option).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_hand, lab_steps, lab_timeline, procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPI, DockerAPIError

CONFIG_PATH = '/etc/microlab/lab.json'
CONFIG_ENV = 'MICROLAB_LAB_CONFIG'
COMMANDS = ('status', 'check', 'hint', 'solve', 'reset')
OK, NOT_YET, USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command line: a catalog key and its parameters (exit 2)."""

    def __init__(self, key, **params):
        super(UsageError, self).__init__(key)
        self.key = key
        self.params = params


class Parser(argparse.ArgumentParser):
    """argparse without its English: errors become UsageError, no automatic help."""

    def __init__(self, **kwargs):
        kwargs.setdefault('add_help', False)
        super(Parser, self).__init__(**kwargs)

    def error(self, message):
        marker = 'unrecognized arguments: '
        if marker in message:
            raise UsageError('ch.err.unknown_option', option=message.split(marker, 1)[1])
        raise UsageError('ch.err.usage')


def command_parser(command):
    parser = Parser(prog='lab ' + command)
    parser.add_argument('--lang', default=argparse.SUPPRESS)
    parser.add_argument('-h', '--help', action='store_true', default=argparse.SUPPRESS)
    if command == 'status':
        parser.add_argument('--json', action='store_true')
    elif command == 'reset':
        parser.add_argument('--yes', action='store_true')
    else:
        parser.add_argument('step', nargs='?')
    return parser


def parse(argv):
    """(namespace, --lang given or None); raises UsageError."""
    top = Parser(prog='lab')
    top.add_argument('--lang')
    top.add_argument('-h', '--help', action='store_true')
    args, rest = top.parse_known_args(argv)
    if args.help and not rest:
        return argparse.Namespace(command='help', lang=args.lang), args.lang
    if not rest:
        raise UsageError('ch.err.no_command')
    if rest[0].startswith('-'):
        raise UsageError('ch.err.unknown_option', option=rest[0])
    if rest[0] in lab_hand.COMMANDS:
        return hand_args(rest[1:], args), args.lang
    if rest[0] not in COMMANDS:
        raise UsageError('ch.err.unknown_command', command=rest[0])
    sub = command_parser(rest[0]).parse_args(rest[1:])
    sub.command = rest[0]
    sub.lang = getattr(sub, 'lang', None) or args.lang
    if getattr(sub, 'help', False) or args.help:
        sub.command = 'help'
    step = getattr(sub, 'step', None)
    if step is not None and step not in lab_steps.STEP_IDS:
        raise UsageError('ch.err.unknown_step', step=step, steps=', '.join(lab_steps.STEP_IDS))
    return sub, sub.lang


def hand_args(words, args):
    """`lab help [MESSAGE | --done]` (or its Spanish words): usage without a message, else the hand's change."""
    if args.help or not words:
        return argparse.Namespace(command='help', lang=args.lang)
    if words[0] in lab_hand.DONE_FLAGS:
        if len(words) > 1:
            raise UsageError('ch.err.unknown_option', option=words[1])
        return argparse.Namespace(command='hand', message=None, lang=args.lang)
    if words[0].startswith('--'):
        raise UsageError('ch.err.unknown_option', option=words[0])
    try:
        return argparse.Namespace(command='hand', message=lab_hand.checked_message(words), lang=args.lang)
    except lab_hand.HandError as exc:
        raise UsageError(exc.key, **exc.params)


def lang_in(argv):
    """--lang's value as given anywhere on the command line, or None (for the first error message)."""
    for index, arg in enumerate(argv):
        if arg == '--lang' and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith('--lang='):
            return arg.split('=', 1)[1]
    return None


def run_command(argv):
    """(exit code, stdout, stderr) of a command."""
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def load_config(path):
    """lab.json (root's, read without following a link); OSError or ValueError when it cannot be used."""
    try:
        return lab_steps.make_config(json.loads(procfs.safe_read(path, limit=lab_steps.MAX_PROGRESS_BYTES).decode('utf-8')))
    except RecursionError:
        raise ValueError('%s: nested too deeply' % path)


class Lab(object):
    """One run of the command: language, settings, the engine and where it writes."""

    def __init__(self, lang, config, api, runner, out, err, stdin, now):
        self.lang = lang
        self.config = config
        self.api = api
        self.runner = runner
        self.out = out
        self.err = err
        self.stdin = stdin
        self.now = now
        self.path = config['progress']

    # --- words ---------------------------------------------------------------
    def text(self, key, observation=None, **params):
        values = lab_steps.text_params(self.config, observation)
        values.update(params)
        return catalog.text(self.lang, key, **values)

    def say(self, key, observation=None, **params):
        self.out.write(self.text(key, observation, **params) + '\n')

    def warn(self, key, **params):
        self.err.write(self.text(key, **params) + '\n')

    def evidence(self, result):
        return catalog.render(self.lang, result['evidence'])

    def title(self, step, observation=None):
        return self.text('ch.%s.title' % step, observation)

    # --- state ---------------------------------------------------------------
    def judged(self, steps=lab_steps.STEP_IDS):
        progress = lab_steps.load_progress(self.path)
        observation = lab_steps.observe(self.api, self.config, steps, self.runner,
                                        runs=lambda: lab_steps.session_runs(self.config, progress))
        return observation, lab_steps.judge(observation, self.config, steps)

    def update(self, change):
        """Apply change(progress) to the history under its lock and save it; the change's result."""
        with lab_steps.locked(self.path):
            progress = lab_steps.load_progress(self.path)
            result = change(progress)
            try:
                lab_steps.save_progress(self.path, progress)
            except OSError as exc:
                self.warn('ch.err.not_saved', path=self.path, error=exc.strerror or exc)
        return result

    def stamp(self):
        return lab_steps.now_text(self.now() if self.now else None)

    # --- commands ------------------------------------------------------------
    def check(self, step=None):
        steps = [step] if step else list(lab_steps.STEP_IDS)
        observation, results = self.judged(steps)
        stamp = self.stamp()
        newly = self.update(lambda progress: lab_steps.record_results(progress, results, stamp))
        for one in steps:
            result = results[one]
            self.say('ch.check.line', observation, status=self.text('status.' + result['status']), step=one,
                     title=self.title(one, observation))
            self.out.write('    %s\n' % self.evidence(result))
            if result['status'] != 'pass':
                self.out.write('    %s %s\n' % (self.text('ch.label.todo'),
                                                self.text('ch.%s.todo' % one, observation)))
        if newly:
            self.say('ch.check.new', steps=', '.join(newly))
        passed = sum(1 for one in steps if results[one]['status'] == 'pass')
        if passed == len(steps):
            if not step:
                self.say('ch.check.all_pass', total=len(steps))
            return OK
        self.say('ch.check.summary', passed=passed, total=len(steps))
        following = lab_steps.next_step(results)
        self.say('ch.label.next', observation, step=following, title=self.title(following, observation))
        return NOT_YET

    def status(self, as_json=False):
        observation, results = self.judged()
        stamp = self.stamp()
        progress = self.update(lambda p: (lab_steps.record_results(p, results, stamp), p)[1])
        history = lab_steps.history_view(progress, results)
        following = lab_steps.next_step(results)
        rows = []
        for step in lab_steps.STEP_IDS:
            entry = history[step]
            state = 'done' if entry['status'] == 'pass' else ('earlier' if entry['first_passed_at'] else 'todo')
            rows.append(dict(entry, id=step, state=state, evidence=self.evidence(results[step]),
                             title=self.title(step, observation)))
        raised = lab_hand.load_hand(lab_hand.hand_path(self.path))
        if as_json:
            hand = {'raised_at': raised['raised_at'], 'message': raised['message']} if raised else None
            json.dump({'language': self.lang, 'next': following, 'hand': hand, 'steps': [
                {'id': r['id'], 'title': r['title'], 'status': r['state'], 'passes_now': r['status'] == 'pass',
                 'first_passed_at': r['first_passed_at'], 'hints': r['hints'], 'solved_by_lab': r['solved_by_lab'],
                 'evidence': r['evidence']} for r in rows]}, self.out, ensure_ascii=False, indent=2)
            self.out.write('\n')
            return OK
        for row in rows:
            extra = (self.text('ch.status.solved') if row['solved_by_lab'] else '') + (
                self.text('ch.status.hints', hints=row['hints']) if row['hints'] else '')
            self.say('ch.status.line', mark={'done': '[x]', 'earlier': '[~]', 'todo': '[ ]'}[row['state']],
                     step=row['id'], state=self.text('ch.status.' + row['state']), extra=extra)
        self.out.writelines(line + '\n' for line in lab_timeline.timeline_of(
            self.config['runs'], progress.get('reset_at'), self.text))
        if following:
            self.say('ch.label.next', observation, step=following, title=self.title(following, observation))
            self.out.write('    %s %s\n' % (self.text('ch.label.todo'), self.text('ch.%s.todo' % following, observation)))
        else:
            self.say('ch.status.all_done')
        if raised:
            self.say('ch.hand.status', time=raised['raised_at'][11:16], message=raised['message'])
        return OK

    def hint(self, step=None):
        if step:
            observation = {'containers': {}}
            server = self.api.inspect_container(self.config['names']['server'])
            if server:
                observation['containers'][self.config['names']['server']] = lab_steps.lab_observe.container_view(server)
        else:
            observation, results = self.judged()
            step = lab_steps.next_step(results)
            if not step:
                self.say('ch.hint.all_pass')
                return OK
        stamp = self.stamp()
        number = self.update(lambda progress: lab_steps.record_hint(progress, step, stamp))
        self.say('ch.hint.header', observation, n=number, total=lab_steps.HINTS, step=step, title=self.title(step, observation))
        key = lab_steps.hint_keys(step)[number - 1]
        if number < lab_steps.HINTS:
            self.out.write('  %s\n' % self.text(key, observation))
            self.say('ch.hint.more', step=step)
        else:
            for line in self.text(key, observation):
                self.out.write('  %s\n' % line)
            self.say('ch.hint.last', step=step)
        return OK

    def solve(self, step=None):
        observation, results = self.judged()
        step = step or lab_steps.next_step(results)
        if not step:
            self.say('ch.solve.nothing')
            return OK
        if results[step]['status'] == 'pass':
            self.say('ch.solve.already', step=step)
            return OK
        try:
            plan = lab_steps.solve_plan(step, observation, self.config, results)
        except lab_steps.StepError as exc:
            self.warn(exc.key, **exc.params)
            return NOT_YET
        self.say('ch.solve.running', observation, step=step, title=self.title(step, observation))
        if not self.run_all([argv for _action, argv in plan]):
            return NOT_YET
        observation, results = self.judged()
        stamp = self.stamp()
        self.update(lambda progress: lab_steps.record_results(progress, results, stamp))
        if results[step]['status'] == 'pass':
            self.say('ch.solve.done', step=step, evidence=self.evidence(results[step]))
            return OK
        self.say('ch.solve.failed', step=step, evidence=self.evidence(results[step]))
        return NOT_YET

    def run_all(self, plan, stop=True):
        """Print and run docker commands; False when one failed."""
        if plan and not shutil.which(plan[0][0]):
            self.warn('ch.err.no_docker_cli')
            return False
        ok = True
        for argv in plan:
            command = ' '.join(_quoted(arg) for arg in argv)
            self.say('ch.label.command', command=command)
            rc, _out, err = self.runner(argv)
            if rc:
                self.warn('ch.err.command_failed', rc=rc, command=command, stderr=err.strip())
                ok = False
                if stop:
                    return False
        return ok

    def reset(self, yes=False):
        containers, networks = lab_steps.lab_made(self.api)
        ok = True
        if containers or networks:
            ok = self.run_all(lab_steps.reset_plan(containers, networks), stop=False)
            self.say('ch.reset.removed', names=', '.join(containers + networks))
        else:
            self.say('ch.reset.lab_none')
        outside, plan = lab_steps.outside_plan(self.config)
        if plan:
            ok = self.run_all(plan, stop=False) and ok
            self.say('ch.reset.removed', names=', '.join(outside))
        named = lab_steps.chapter_named(self.api, self.config, exclude=containers + networks)
        names = named[0] + named[1]
        if names:
            if not yes:
                self.out.write(self.text('ch.reset.ask', names=', '.join(names)))
                self.out.flush()
                answer = (self.stdin.readline() or '').strip().lower()
                yes = answer in self.text('ch.reset.yes')
            if yes:
                ok = self.run_all(lab_steps.reset_plan(*named), stop=False) and ok
            else:
                self.say('ch.reset.kept', names=', '.join(names))
        stamp = self.stamp()
        self.update(lambda progress: lab_steps.record_reset(progress, stamp))
        self.say('ch.reset.done')
        return OK if ok else NOT_YET


def hand(lang, config, message, out, err, now=None):
    """Raise the hand with message, or lower it (message None); needs no engine: help is asked for when it is down."""
    path = lab_hand.hand_path(config['progress'])
    try:
        if message is None:
            lowered = lab_hand.lower_hand(path)
            out.write(catalog.text(lang, 'ch.hand.lowered' if lowered else 'ch.hand.none') + '\n')
            return OK
        raised = lab_hand.raise_hand(path, message, lab_steps.now_text(now() if now else None))
    except OSError as exc:
        err.write(catalog.text(lang, 'ch.hand.err.not_saved', path=path, error=exc.strerror or exc) + '\n')
        return NOT_YET
    out.write(catalog.text(lang, 'ch.hand.raised', time=raised['raised_at'][11:16], message=raised['message']) + '\n')
    return OK


def _quoted(arg):
    return arg if arg and all(c.isalnum() or c in '-_./:=@%+,' for c in arg) else "'%s'" % arg.replace("'", "'\\''")


def main(argv=None, config_path=None, api=None, runner=run_command, out=None, err=None, stdin=None, now=None):
    """Run `lab`; the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    config_path = config_path or os.environ.get(CONFIG_ENV) or CONFIG_PATH
    try:
        config, config_error = load_config(config_path), None
    except (OSError, ValueError) as exc:
        config, config_error = lab_steps.make_config(), getattr(exc, 'strerror', None) or str(exc)
    lang = next((lang for lang in (lang_in(argv), config.get('language')) if lang in catalog.LANGUAGES),
                catalog.DEFAULT_LANGUAGE)
    usage = catalog.text(lang, 'ch.usage', steps=', '.join(lab_steps.STEP_IDS))
    try:
        args, given_lang = parse(argv)
        if given_lang is not None and given_lang not in catalog.LANGUAGES:
            raise UsageError('ch.err.bad_lang', value=given_lang)
    except UsageError as exc:
        err.write(catalog.text(lang, exc.key, **exc.params) + '\n' + usage[0] + '\n')
        return USAGE
    if args.command == 'help':
        out.write('\n'.join(usage) + '\n')
        return OK
    if config_error:
        err.write(catalog.text(lang, 'ch.err.config', path=config_path, error=config_error) + '\n')
        return NOT_YET
    if args.command == 'hand':
        return hand(lang, config, args.message, out, err, now)
    own_api = api is None
    api = api or DockerAPI(config['docker_host'], timeout=max(30, int(config['timeout']) + 10))
    lab = Lab(lang, config, api, runner, out, err, stdin, now)
    try:
        api.version()
        if args.command == 'status':
            return lab.status(args.json)
        if args.command == 'reset':
            return lab.reset(args.yes)
        return getattr(lab, args.command)(args.step)
    except BrokenPipeError:
        return NOT_YET  # the output went to a pipe that closed (lab status | head)
    except PermissionError as exc:
        lab.warn('ch.err.docker_denied', error=exc.strerror or exc)
        return NOT_YET
    except (DockerAPIError, OSError) as exc:
        lab.warn('ev.engine_down', error=exc)
        return NOT_YET
    finally:
        if own_api:
            api.close()
