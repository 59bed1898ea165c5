# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class report: every VM's verify results in one stable structure."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_scoring
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import HINTS, STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import grades, report_glance, vm_data

SCHEMA_VERSION = 2
STATUSES = ('pass', 'fail', 'unreachable')
MODES = ('demo', 'challenge')
TIME_FORMAT = vm_data.TIME_FORMAT
TABLE_CELL_CAP = 400  # characters of one cell of the terminal table


def _inventory_value(hostvars, name, host_vars, key):
    """A variable as the inventory sets it, never as the VM's facts do.

    Facts outrank inventory variables and a VM's root chooses its facts: when the VM
    returned a fact of that name (raw or with the ansible_ prefix), the merged value is
    not trusted and the inventory host's own variable is used, or None when the hostvars
    given do not expose the inventory (the caller then uses the inventory name).
    """
    facts = host_vars.get('ansible_facts') or {}
    facts = facts if isinstance(facts, Mapping) else {key: None}  # facts of another type: trust none of them
    bare = key[len('ansible_'):] if key.startswith('ansible_') else key
    if key not in facts and bare not in facts:
        return host_vars.get(key)
    inventory = getattr(hostvars, '_inventory', None)
    host = inventory.get_host(name) if inventory is not None else None
    return host.vars.get(key) if host is not None else None


def _reason(lang, reason_id, **params):
    """Why a VM is not pass, in the report's language ('' when it passes)."""
    return catalog.text(lang, 'report.reason.' + reason_id, **params) if reason_id else ''


def _checked(host_vars, lang):
    """The VM's data through vm_data.check; when it breaks the schema, only the reason why, as verify's error."""
    try:
        return vm_data.check(host_vars)
    except vm_data.VMDataError as exc:
        return {'reach': {'reachable': True, 'msg': ''}, 'outcomes': {}, 'challenge': {},
                'error': catalog.text(lang, exc.key, **exc.params)}


def _host_entry(name, data, host_vars, hostvars, lang):
    """One VM: student, address, overall status, the reason and each outcome."""
    outcomes = data['outcomes']
    params = {}
    if not data['reach']['reachable']:
        status, reason_id, params = 'unreachable', 'unreachable', {'error': data['reach']['msg'] or '?'}
    elif data['error']:
        status, reason_id, params = 'fail', 'verify_error', {'error': data['error']}
    elif not outcomes:
        status, reason_id = 'fail', 'no_outcomes'
    else:
        failing = sorted(oid for oid, result in outcomes.items() if result['status'] != 'pass')
        status = 'fail' if failing else 'pass'
        reason_id, params = ('failing', {'ids': ', '.join(failing)}) if failing else ('', {})
    return {
        'student': _inventory_value(hostvars, name, host_vars, 'student') or name,
        'host': _inventory_value(hostvars, name, host_vars, 'ansible_host') or name,
        'inventory_hostname': name,
        'status': status,
        'reason_id': reason_id,
        'reason': _reason(lang, reason_id, **params),
        'outcomes': outcomes,
    }


def _clamp(value, session_start, now):
    """A VM's time (text) within the session, as a datetime: never before its start, never after now."""
    moment = vm_data.parse_time(value)
    if moment is None:
        return None
    if session_start and moment < session_start:
        return session_start
    return min(moment, now) if now else moment


def _text_time(moment):
    return moment.strftime(TIME_FORMAT) if moment else None


def _progress(steps, challenge, now, session_start, stuck_minutes, hints_per_step):
    """Where a student is: steps passed, next step, hints, and whether they stand out (stuck, living on hints)."""
    passed = sum(1 for entry in steps.values() if entry['status'] == 'pass')
    hints = sum(entry['hints'] for entry in steps.values())
    solved = sum(1 for entry in steps.values() if entry['solved_by_lab'])
    started = _clamp(challenge['started_at'], session_start, now)
    last = _clamp(challenge['last_progress_at'], session_start, now) or started
    since = last or session_start or now  # no history: idle since the session started
    idle = int((now - since).total_seconds() // 60) if now and since else None
    done = passed == len(steps)
    help_used = hints + HINTS * solved
    return {
        'passed': passed,
        'total': len(steps),
        'next': next((step for step in STEP_IDS if steps[step]['status'] != 'pass'), None),
        'hints': hints,
        'solved_by_lab': solved,
        'started_at': _text_time(started),
        'last_progress_at': _text_time(last if challenge['last_progress_at'] else None),
        'idle_minutes': idle,
        'stuck': bool(not done and idle is not None and idle >= stuck_minutes),
        'hint_heavy': bool(help_used and help_used >= hints_per_step * max(1, passed)),
    }


def _hand(hand, now, session_start):
    """A raised hand with its time clamped to the session and the minutes it has waited; None when down."""
    if not hand:
        return None
    raised = _clamp(hand['raised_at'], session_start, now)
    return {'message': hand['message'], 'raised_at': _text_time(raised),
            'waiting_minutes': int((now - raised).total_seconds() // 60) if now else None}


def _challenge_entry(entry, data, now, session_start, stuck_minutes, hints_per_step, lang):
    """Add a VM's steps and progress (challenge mode); its status then says where the student is."""
    challenge = data['challenge']
    steps = challenge['steps'] if challenge else {}
    entry['steps'] = {step: dict(values, first_passed_at=_text_time(_clamp(values['first_passed_at'], session_start, now)))
                      for step, values in steps.items()}
    entry['progress'] = (_progress(entry['steps'], challenge, now, session_start, stuck_minutes, hints_per_step)
                         if challenge else {})
    entry['hand'] = _hand(challenge.get('hand') if challenge else None, now, session_start)
    if entry['status'] == 'unreachable' or data['error']:
        return entry
    if not challenge:
        entry['status'], entry['reason_id'] = 'fail', 'no_steps'
        entry['reason'] = _reason(lang, 'no_steps')
        return entry
    progress = entry['progress']
    entry['status'] = 'pass' if progress['passed'] == progress['total'] else 'fail'
    entry['reason_id'] = '' if entry['status'] == 'pass' else 'at_step'
    entry['reason'] = _reason(lang, entry['reason_id'], step=progress['next'], passed=progress['passed'],
                              total=progress['total'])
    return entry


def _grade_entry(entry, data, hostvars, scoring, identifier, end, closed, now):
    """Add a student's grade (None when verify could not judge the VM) and their identifier for the gradebook,
    from the inventory (the roster's column of that name; username defaults to the student), never from the VM.

    The grade compares each step's first pass, clamped to now only, with the end: the session's start may be
    verify's "now" (no session.json where verify runs), and clamping up to it would put every step after the end.
    A start that is known is before the end (the input rules), so a pass before it counts either way.
    """
    name = entry['inventory_hostname']
    judged = entry['status'] != 'unreachable' and not data['error'] and entry['steps']
    steps = {step: dict(values, first_passed_at=_text_time(_clamp(data['challenge']['steps'][step]['first_passed_at'],
                                                                  None, now)))
             for step, values in entry['steps'].items()}
    entry['grade'] = grades.grade(steps, scoring, end, closed) if judged else None
    given = _inventory_value(hostvars, name, hostvars[name], identifier)
    given = given if isinstance(given, str) and given.strip() else (entry['student'] if identifier == 'username' else '')
    entry['grade_identifier'] = given.strip()
    return entry


def _grades(entries, scoring, identifier):
    """The report's grades: the table, the identifier, and who is left out of grades.csv and why."""
    left_out = [{'student': entry['student'], 'reason_id': 'not_graded' if entry['grade'] is None else 'no_identifier'}
                for entry in sorted(entries, key=lambda entry: entry['student'])
                if entry['grade'] is None or not entry['grade_identifier']]
    return {'identifier': identifier, 'scoring': scoring, 'left_out': left_out,
            'max': grades.grade({}, scoring)['max']}


def _window(start, end, now):
    """The session's window: its end, whether it is closed, and the whole minutes left (None once closed)."""
    closed = bool(end and now and now >= end)
    left = math.ceil((end - now).total_seconds() / 60) if end and now and not closed else None
    return {'session_end': _text_time(end), 'closed': closed, 'closes_in_minutes': left}


def _mode(hostvars, hosts, mode):
    if mode in MODES:
        return mode
    found = [hostvars[name].get('lab_verify_mode') for name in hosts
             if isinstance(hostvars[name].get('lab_verify_mode'), str) and hostvars[name].get('lab_verify_mode') in MODES]
    return 'challenge' if 'challenge' in found else 'demo'


def class_report(hostvars, hosts, generated='', mode='', stuck_minutes=10, hints_per_step=2,
                 lang=catalog.DEFAULT_LANGUAGE, session_start='', session_end='', scoring=None, identifier='username'):
    """Build the report for C(hosts) from C(hostvars), its reasons in C(lang); see docs/report.md for the schema.

    Every VM's data goes through vm_data.check first: a VM that breaks it is that VM's verify_error and changes
    nothing else. The session starts at C(session_start), the controller's (never a VM's): a VM's times are
    clamped to it and to C(generated); without it, a student with no history is idle since C(generated).
    It ends at C(session_end) (optional): from then on it is closed and a step first passed later earns no points.
    With C(scoring) (a table lab_scoring.problems accepts), challenge mode grades every student.
    """
    try:
        catalog.messages(lang)
    except catalog.CatalogError as exc:
        raise AnsibleFilterError('class_report: %s' % exc)
    broken = ([] if scoring is None else lab_scoring.problems(scoring)) + (
        [] if identifier in grades.IDENTIFIERS else [('input.one_of', {'name': 'identifier', 'value': identifier,
                                                                       'choices': ', '.join(grades.IDENTIFIERS)})])
    if broken:
        raise AnsibleFilterError('class_report: %s' % ' '.join(catalog.text(lang, key, **params) for key, params in broken))
    mode = _mode(hostvars, hosts, mode)
    checked = [_checked(hostvars[name], lang) for name in hosts]
    entries = [_host_entry(name, data, hostvars[name], hostvars, lang) for name, data in zip(hosts, checked)]
    if mode == 'challenge':
        now = vm_data.parse_time(generated)
        start = vm_data.parse_time(session_start)
        start = min(start, now) if start and now else start
        entries = [_challenge_entry(entry, data, now, start, int(stuck_minutes), float(hints_per_step), lang)
                   for entry, data in zip(entries, checked)]
        window = _window(start, vm_data.parse_time(session_end), now)
        if scoring is not None:
            table = lab_scoring.table(scoring)
            entries = [_grade_entry(entry, data, hostvars, table, identifier, window['session_end'], window['closed'], now)
                       for entry, data in zip(entries, checked)]
    else:
        start, window = None, _window(None, None, None)
        for entry in entries:
            entry['steps'], entry['progress'], entry['hand'] = {}, {}, None
    if scoring is None or mode != 'challenge':
        for entry in entries:
            entry['grade'], entry['grade_identifier'] = None, None
    rows = sorted(entries, key=lambda entry: entry['student'])
    return {
        'schema_version': SCHEMA_VERSION,
        'generated': generated,
        'session_start': _text_time(start),
        'session_end': window['session_end'],
        'closed': window['closed'],
        'closes_in_minutes': window['closes_in_minutes'],
        'grades': _grades(entries, lab_scoring.table(scoring), identifier) if scoring is not None and mode == 'challenge' else None,
        'lang': lang,
        'mode': mode,
        'outcome_ids': sorted(vm_data.OUTCOME_IDS) if mode == 'demo' else [],
        'step_ids': list(STEP_IDS) if mode == 'challenge' else [],
        'settings': {'stuck_minutes': int(stuck_minutes), 'hints_per_step': float(hints_per_step)},
        'summary': {status: sum(entry['status'] == status for entry in entries) for status in STATUSES},
        'attention': dict({flag: sum(bool(entry['progress'].get(flag)) for entry in entries) for flag in ('stuck', 'hint_heavy')},
                          hands=sum(bool(entry['hand']) for entry in entries)),
        'groups': report_glance.groups(mode, rows, lang),
        'hands': report_glance.hand_queue(rows, lang),
        'stuck': report_glance.stuck_list(rows, lang),
        'hosts': rows,
    }


def _cell(value):
    """A value as one terminal cell: no control, format or bidirectional character can start a line or reorder it."""
    return vm_data.clean_text(str(value), TABLE_CELL_CAP)


def class_report_table(report, page=''):
    """The class at a glance, as the terminal shows it, in the report's language: a line per VM, the counts, the page."""
    lang = report.get('lang') or catalog.DEFAULT_LANGUAGE
    words = catalog.messages(lang)
    row = '%-16s %-16s %-13s %s'
    lines = [row % tuple(words['report.table.header'])]
    for vm in report['hosts']:
        progress = vm.get('progress') or {}
        marks = ([words['report.table.hand']] if vm.get('hand') else []) + [
            words['report.table.' + flag] for flag in ('stuck', 'hint_heavy') if progress.get(flag)]
        lines.append((row % (_cell(vm['student']), _cell(vm['host']), words['report.status.' + vm['status']],
                             _cell(vm['reason']))).rstrip()
                     + ''.join(' ' + mark for mark in marks))
    if report.get('hands'):
        lines.append(words['report.table.hands'])
        lines += [catalog.text(lang, 'report.table.hand_line', student=_cell(hand['student']), step=_cell(hand['step'] or '-'),
                               minutes=_cell(hand['waiting_minutes']), message=_cell(hand['message']))
                  for hand in report['hands']]
    lines.append(catalog.text(lang, 'report.table.counts', page=page, **report['summary']))
    if report.get('session_end'):
        lines.append(catalog.text(lang, 'report.session.closed' if report['closed'] else 'report.session.open',
                                  end=report['session_end'], minutes=report['closes_in_minutes']))
    for left in (report.get('grades') or {}).get('left_out', []):
        lines.append(catalog.text(lang, 'report.grades.' + left['reason_id'], student=_cell(left['student']),
                                  identifier=report['grades']['identifier']))
    return '\n'.join(lines)


def lab_session_start(given, recorded='', now=''):
    """When the class session started, from the controller only: C(given) (lab_session_start, checked by the input
    rules), else the start recorded in C(recorded) (session.json's text), else C(now)."""
    if vm_data.parse_time(given):
        return given
    try:
        start = json.loads(recorded).get('session_start') if recorded else None
    except (ValueError, AttributeError):
        start = None
    return start if vm_data.parse_time(start) else now


class FilterModule:
    """Filters for the class report."""

    def filters(self):
        return {'class_report': class_report, 'class_report_table': class_report_table,
                'lab_session_start': lab_session_start}
