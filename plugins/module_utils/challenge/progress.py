# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The progress history kept on the VM (progress.json): validated when read, written atomically under a lock.

The file is writable by every docker-group member: whatever it holds is checked, never trusted. Standard
library only."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os

from ansible_collections.microlab.docker_internals.plugins.module_utils import atomic_file, lab_recorder, procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import HINTS, STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_time import is_time

MAX_PROGRESS_BYTES = 64 * 1024
MAX_HINT_COUNT = 1000


def empty_progress():
    return {'version': 1, 'started_at': None, 'updated_at': None, 'reset_at': None, 'steps': {}}


def _count(value):
    """A hint count as written by record_hint: an int from 0 to MAX_HINT_COUNT, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_HINT_COUNT else 0


def clean_progress(data):
    """The history keeping only what validates: known step ids, times in now_text's format, hint counts.

    The file is writable by every docker-group member: whatever else it holds is dropped, never trusted.
    """
    progress = empty_progress()
    if not isinstance(data, dict):
        return progress
    for key in ('started_at', 'updated_at', 'reset_at'):
        progress[key] = data.get(key) if is_time(data.get(key)) else None
    steps = data.get('steps') if isinstance(data.get('steps'), dict) else {}
    for step in STEP_IDS:
        entry = steps.get(step)
        if isinstance(entry, dict):
            hints = _count(entry.get('hints'))
            progress['steps'][step] = {
                'first_passed_at': entry.get('first_passed_at') if is_time(entry.get('first_passed_at')) else None,
                'hints': hints,
                # A history from before this count: every hint counted as asked before the pass.
                'hints_before_pass': min(_count(entry.get('hints_before_pass', hints)), hints),
            }
    return progress


def load_progress(path):
    """The history on this VM, validated; an empty one when there is none or it cannot be read.

    Read through procfs.safe_read: a link, a FIFO or a file larger than MAX_PROGRESS_BYTES is refused.
    """
    try:
        data = json.loads(procfs.safe_read(path, limit=MAX_PROGRESS_BYTES).decode('utf-8'))
    except (OSError, ValueError, RecursionError):
        return empty_progress()
    return clean_progress(data)


def step_history(progress, step):
    entry = progress['steps'].setdefault(step, {})
    entry.setdefault('first_passed_at', None)
    entry.setdefault('hints', 0)
    entry.setdefault('hints_before_pass', entry['hints'])
    return entry


def record_results(progress, results, now):
    """Mark steps that pass for the first time; the newly passed ids."""
    progress['started_at'] = progress.get('started_at') or now
    progress['updated_at'] = now
    newly = []
    for step in STEP_IDS:
        if step not in results:
            continue
        entry = step_history(progress, step)
        if results[step]['status'] == 'pass' and not entry['first_passed_at']:
            entry['first_passed_at'] = now
            newly.append(step)
    return newly


def record_reset(progress, now):
    """A new judging session starts now: runs recorded before it no longer count."""
    progress['reset_at'] = now
    progress['updated_at'] = now


def session_since(progress, session_start=None):
    """When this judging session started: the latest of the controller's start and the student's last reset."""
    times = [t for t in (session_start, progress.get('reset_at')) if is_time(t)]
    return max(times) if times else None


def session_runs(config, progress, session_start=None):
    """The recorded runs of this judging session (lab_recorder's runs.json), oldest first; [] when unreadable."""
    return lab_recorder.runs_since(lab_recorder.load_runs(config['runs']), session_since(progress, session_start))


def record_hint(progress, step, now):
    """Count one more hint for step, and apart the hints asked before it first passed (the ones a grade counts:
    a hint asked once the step was earned, say after it broke, costs nothing); the number of the hint to show
    (1..HINTS)."""
    progress['started_at'] = progress.get('started_at') or now
    progress['updated_at'] = now
    entry = step_history(progress, step)
    entry['hints'] = min(_count(entry.get('hints')) + 1, MAX_HINT_COUNT)
    if not entry.get('first_passed_at'):
        entry['hints_before_pass'] = min(_count(entry.get('hints_before_pass')) + 1, MAX_HINT_COUNT)
    return min(entry['hints'], HINTS)


def last_progress_at(progress):
    """When a step last passed for the first time, else when the student started."""
    times = [e.get('first_passed_at') for e in progress['steps'].values() if e.get('first_passed_at')]
    return max(times) if times else progress.get('started_at')


@contextlib.contextmanager
def locked(path):
    """An exclusive lock next to the history (students of one VM may run `lab` at once)."""
    try:
        # Never through a link another member of the group planted in the shared directory.
        handle = os.open(path + '.lock', os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o660)
    except OSError:
        handle = None  # not writable, or not a plain file: reading still works, saving will say so
    if handle is not None:
        with contextlib.suppress(OSError):
            os.fchmod(handle, 0o660)  # only its owner may; the group already can write it
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        if handle is not None:
            os.close(handle)


def save_progress(path, progress):
    """Write the history atomically (atomic_file: a temporary file renamed over it), group-writable."""
    atomic_file.write(path, json.dumps(progress, indent=2, sort_keys=True) + '\n', 0o660)


def history_view(progress, results):
    """Per step: live status and evidence pair plus the history (what verify reports)."""
    steps = {}
    for step in STEP_IDS:
        entry = progress['steps'].get(step) or {}
        result = results.get(step) or {'status': 'fail', 'evidence': ('word.unknown', {})}
        # Solved by the lab: judged now from the labels of what made the step pass, never read from the file.
        steps[step] = {'status': result['status'], 'evidence': result['evidence'],
                       'hints': _count(entry.get('hints')),
                       'hints_before_pass': _count(entry.get('hints_before_pass')),
                       'solved_by_lab': result['status'] == 'pass' and bool(result.get('by_lab')),
                       'first_passed_at': entry.get('first_passed_at') if is_time(entry.get('first_passed_at')) else None}
    return steps
