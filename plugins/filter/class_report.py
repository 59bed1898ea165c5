# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class report: every VM's verify results in one stable structure."""

from __future__ import annotations

import datetime

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import HINTS, STEP_IDS

SCHEMA_VERSION = 2
STATUSES = ('pass', 'fail', 'unreachable')
MODES = ('demo', 'challenge')
TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def _inventory_value(hostvars, name, host_vars, key):
    """A variable as the inventory sets it, never as the VM's facts do.

    Facts outrank inventory variables and a VM's root chooses its facts: when the VM
    returned a fact of that name (raw or with the ansible_ prefix), the merged value is
    not trusted and the inventory host's own variable is used, or None when the hostvars
    given do not expose the inventory (the caller then uses the inventory name).
    """
    facts = host_vars.get('ansible_facts') or {}
    bare = key[len('ansible_'):] if key.startswith('ansible_') else key
    if key not in facts and bare not in facts:
        return host_vars.get(key)
    inventory = getattr(hostvars, '_inventory', None)
    host = inventory.get_host(name) if inventory is not None else None
    return host.vars.get(key) if host is not None else None


def _reason(lang, reason_id, **params):
    """Why a VM is not pass, in the report's language ('' when it passes)."""
    return catalog.text(lang, 'report.reason.' + reason_id, **params) if reason_id else ''


def _host_entry(name, host_vars, hostvars, lang):
    """One VM: student, address, overall status, the reason and each outcome."""
    outcomes = dict(host_vars.get('lab_outcomes') or {})
    reach = host_vars.get('lab_verify_reach') or {}
    error = host_vars.get('lab_verify_error')
    params = {}
    if reach.get('reachable') is False:
        status, reason_id, params = 'unreachable', 'unreachable', {'error': reach.get('msg') or '?'}
    elif error:
        status, reason_id, params = 'fail', 'verify_error', {'error': error}
    elif not outcomes:
        status, reason_id = 'fail', 'no_outcomes'
    else:
        failing = sorted(oid for oid, result in outcomes.items() if result.get('status') != 'pass')
        status = 'fail' if failing else 'pass'
        reason_id, params = ('failing', {'ids': ', '.join(failing)}) if failing else ('', {})
    return {
        'student': _inventory_value(hostvars, name, host_vars, 'student') or name,
        'host': _inventory_value(hostvars, name, host_vars, 'ansible_host') or name,
        'inventory_hostname': name,
        'status': status,
        'reason_id': reason_id,
        'reason': _reason(lang, reason_id, **params),
        'outcomes': {
            oid: {'status': result.get('status', 'fail'), 'evidence': result.get('evidence', '')}
            for oid, result in sorted(outcomes.items())
        },
    }


def _time(text):
    """A UTC time as the report and the history write it, or None."""
    try:
        return datetime.datetime.strptime(text, TIME_FORMAT) if text else None
    except (TypeError, ValueError):
        return None


def _steps(challenge):
    """A VM's challenge steps, judged live by lab_challenge_facts, with their history, in the chapter's order."""
    given = challenge.get('steps') or {}
    steps = {}
    for step in STEP_IDS:
        entry = given.get(step) or {}
        steps[step] = {
            'status': entry.get('status', 'fail'),
            'evidence': entry.get('evidence', ''),
            'hints': int(entry.get('hints') or 0),
            'solved_by_lab': bool(entry.get('solved_by_lab')),
            'first_passed_at': entry.get('first_passed_at'),
        }
    return steps


def _progress(steps, challenge, now, session_start, stuck_minutes, hints_per_step):
    """Where a student is: steps passed, next step, hints, and whether they stand out (stuck, living on hints)."""
    passed = sum(1 for entry in steps.values() if entry['status'] == 'pass')
    hints = sum(entry['hints'] for entry in steps.values())
    solved = sum(1 for entry in steps.values() if entry['solved_by_lab'])
    last = challenge.get('last_progress_at') or challenge.get('started_at')
    since = _time(last) or session_start
    idle = int((now - since).total_seconds() // 60) if now and since else None
    done = passed == len(steps)
    help_used = hints + HINTS * solved
    return {
        'passed': passed,
        'total': len(steps),
        'next': next((step for step in STEP_IDS if steps[step]['status'] != 'pass'), None),
        'hints': hints,
        'solved_by_lab': solved,
        'started_at': challenge.get('started_at'),
        'last_progress_at': challenge.get('last_progress_at'),
        'idle_minutes': idle,
        'stuck': bool(not done and idle is not None and idle >= stuck_minutes),
        'hint_heavy': bool(help_used and help_used >= hints_per_step * max(1, passed)),
    }


def _challenge_entry(entry, host_vars, now, session_start, stuck_minutes, hints_per_step, lang):
    """Add a VM's steps and progress (challenge mode); its status then says where the student is."""
    challenge = host_vars.get('lab_challenge') or {}
    entry['steps'] = _steps(challenge) if challenge else {}
    entry['progress'] = (_progress(entry['steps'], challenge, now, session_start, stuck_minutes, hints_per_step)
                         if challenge else {})
    if entry['status'] == 'unreachable' or host_vars.get('lab_verify_error'):
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


def _mode(hostvars, hosts, mode):
    if mode in MODES:
        return mode
    found = [hostvars[name].get('lab_verify_mode') for name in hosts if hostvars[name].get('lab_verify_mode') in MODES]
    return 'challenge' if 'challenge' in found else 'demo'


def class_report(hostvars, hosts, generated='', mode='', stuck_minutes=10, hints_per_step=2,
                 lang=catalog.DEFAULT_LANGUAGE):
    """Build the report for C(hosts) from C(hostvars), its reasons in C(lang); see docs/report.md for the schema."""
    try:
        catalog.messages(lang)
    except catalog.CatalogError as exc:
        raise AnsibleFilterError('class_report: %s' % exc)
    mode = _mode(hostvars, hosts, mode)
    entries = [_host_entry(name, hostvars[name], hostvars, lang) for name in hosts]
    if mode == 'challenge':
        now = _time(generated)
        starts = [_time((hostvars[name].get('lab_challenge') or {}).get('started_at')) for name in hosts]
        starts = [start for start in starts if start]
        session_start = min(starts) if starts else None  # a student with no history is idle since then
        entries = [_challenge_entry(entry, hostvars[name], now, session_start, int(stuck_minutes), float(hints_per_step),
                                    lang)
                   for entry, name in zip(entries, hosts)]
    else:
        for entry in entries:
            entry['steps'], entry['progress'] = {}, {}
    outcome_ids = sorted({oid for entry in entries for oid in entry['outcomes']})
    return {
        'schema_version': SCHEMA_VERSION,
        'generated': generated,
        'lang': lang,
        'mode': mode,
        'outcome_ids': outcome_ids,
        'step_ids': list(STEP_IDS) if mode == 'challenge' else [],
        'settings': {'stuck_minutes': int(stuck_minutes), 'hints_per_step': float(hints_per_step)},
        'summary': {status: sum(entry['status'] == status for entry in entries) for status in STATUSES},
        'attention': {flag: sum(bool(entry['progress'].get(flag)) for entry in entries) for flag in ('stuck', 'hint_heavy')},
        'hosts': sorted(entries, key=lambda entry: entry['student']),
    }


def class_report_table(report, page=''):
    """The class at a glance, as the terminal shows it, in the report's language: a line per VM, the counts, the page."""
    lang = report.get('lang') or catalog.DEFAULT_LANGUAGE
    words = catalog.messages(lang)
    row = '%-16s %-16s %-13s %s'
    lines = [row % tuple(words['report.table.header'])]
    for vm in report['hosts']:
        progress = vm.get('progress') or {}
        marks = [words['report.table.' + flag] for flag in ('stuck', 'hint_heavy') if progress.get(flag)]
        lines.append((row % (vm['student'], vm['host'], words['report.status.' + vm['status']], vm['reason'])).rstrip()
                     + ''.join(' ' + mark for mark in marks))
    lines.append(catalog.text(lang, 'report.table.counts', page=page, **report['summary']))
    return '\n'.join(lines)


class FilterModule:
    """Filters for the class report."""

    def filters(self):
        return {'class_report': class_report, 'class_report_table': class_report_table}
