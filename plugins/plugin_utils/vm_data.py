# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What one VM returned to verify, checked before the class report uses any of it.

A student is root on their VM, so everything the VM returns is hostile: the
facts lab_outcomes and lab_challenge (a module's output, which the VM's root
can replace; with the student's raised hand), and lab_verify_error / lab_verify_reach / lab_verify_mode (set on
the controller, but a fact of the same name from the VM shows through when the
controller set none). ``check(host_vars)`` returns a new structure of known
ids, the statuses pass or fail, bounded texts without control or bidirectional
characters, whole numbers in a range, real booleans and times in TIME_FORMAT;
or raises VMDataError with a catalog key and its parameters, which the report
shows as that VM's verify_error. Each check is bounded by the known ids and
the caps below, whatever the VM sends. See docs/report.md and docs/security.md.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Mapping

from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_hand import MESSAGE_CAP, UNSAFE_CATEGORIES
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_time import TIME_FORMAT, is_time
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import OUTCOMES
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS

# Every outcome id the judge can record, in its order (scenario by scenario).
OUTCOME_IDS = tuple(oid for ids in OUTCOMES.values() for oid in ids)
EVIDENCE_CAP = 400  # characters of one outcome's or step's evidence
TEXT_CAP = 300      # characters of a message: verify's error, why the VM was unreachable
HINTS_MAX = 1000    # hints shown for one step
HAND_CAP = MESSAGE_CAP  # characters of a raised hand's message, as `lab help` takes it
ELLIPSIS = '\u2026'
REPLACEMENT = '\ufffd'
# Unicode categories replaced: control (Cc), format (Cf: bidi overrides and isolates U+202A-202E, U+2066-2069,
# marks U+200E/F, zero-width characters), surrogates (Cs), private use (Co), unassigned (Cn), and the line and
# paragraph separators (Zl, Zp) a terminal may break a line at; the ones `lab help` refuses in a message.
REPLACED_CATEGORIES = UNSAFE_CATEGORIES


class VMDataError(ValueError):
    """The VM's data breaks the schema: a catalog key (report.invalid.*) and its parameters."""

    def __init__(self, key, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def clean_text(text, cap, keep=''):
    """Text as shown: characters of REPLACED_CATEGORIES (except those in keep) replaced, at most cap characters."""
    cleaned = ''.join(REPLACEMENT if char not in keep and unicodedata.category(char) in REPLACED_CATEGORIES else char
                      for char in text[:cap + 1])
    return cleaned if len(cleaned) <= cap else cleaned[:cap - 1] + ELLIPSIS


def _text(value, field, cap, keep=''):
    if value is None:
        return ''
    if not isinstance(value, str):
        raise VMDataError('report.invalid.text', field=field)
    return clean_text(value, cap, keep)


def _mapping(value, field, known=None):
    """A mapping (None or empty: {}); with known, only those keys, so at most len(known) of them."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise VMDataError('report.invalid.mapping', field=field)
    if known is not None:
        if len(value) > len(known):
            raise VMDataError('report.invalid.too_many', field=field, count=len(value), limit=len(known))
        unknown = [key for key in value if key not in known]
        if unknown:
            shown = unknown[0] if isinstance(unknown[0], str) else repr(type(unknown[0]).__name__)
            raise VMDataError('report.invalid.unknown_id', field=field, id=clean_text(shown, 60))
    return value


def _status(value, field):
    """pass or fail: only the text 'pass' passes."""
    if not isinstance(value, str):
        raise VMDataError('report.invalid.text', field=field)
    return 'pass' if value == 'pass' else 'fail'


def _bool(value, field):
    if value is None:
        return False
    if not isinstance(value, bool):
        raise VMDataError('report.invalid.bool', field=field)
    return value


def _count(value, field, high):
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise VMDataError('report.invalid.int', field=field)
    if not 0 <= value <= high:
        raise VMDataError('report.invalid.range', field=field, low=0, high=high)
    return value


def parse_time(value):
    """A datetime from a TIME_FORMAT text, or None when it is not one."""
    return datetime.datetime.strptime(value, TIME_FORMAT) if is_time(value) else None


def _time(value, field):
    """None, or a TIME_FORMAT text (20 characters, so bounded)."""
    if value is None:
        return None
    if parse_time(value) is None:
        raise VMDataError('report.invalid.time', field=field)
    return str(value)


def _outcomes(value):
    outcomes = {}
    for oid, result in sorted(_mapping(value, 'lab_outcomes', OUTCOME_IDS).items()):
        field = 'lab_outcomes.' + oid
        result = _mapping(result, field)
        outcomes[oid] = {'status': _status(result.get('status', 'fail'), field + '.status'),
                         'evidence': _text(result.get('evidence'), field + '.evidence', EVIDENCE_CAP, keep='\n')}
    return outcomes


def _challenge(value):
    challenge = _mapping(value, 'lab_challenge')
    if not challenge:
        return {}
    given = _mapping(challenge.get('steps'), 'lab_challenge.steps', STEP_IDS)
    steps = {}
    for step in STEP_IDS:
        field = 'lab_challenge.steps.' + step
        entry = _mapping(given.get(step), field)
        hints = _count(entry.get('hints'), field + '.hints', HINTS_MAX)
        steps[step] = {
            'status': _status(entry.get('status', 'fail'), field + '.status'),
            'evidence': _text(entry.get('evidence'), field + '.evidence', EVIDENCE_CAP, keep='\n'),
            'hints': hints,
            # Never more than the hints (a VM from before this count sends none: all of them, then).
            'hints_before_pass': min(_count(entry.get('hints_before_pass', hints), field + '.hints_before_pass',
                                            HINTS_MAX), hints),
            'solved_by_lab': _bool(entry.get('solved_by_lab'), field + '.solved_by_lab'),
            'first_passed_at': _time(entry.get('first_passed_at'), field + '.first_passed_at'),
        }
    return {'steps': steps,
            'started_at': _time(challenge.get('started_at'), 'lab_challenge.started_at'),
            'last_progress_at': _time(challenge.get('last_progress_at'), 'lab_challenge.last_progress_at'),
            'hand': _hand(challenge.get('hand'))}


def _hand(value):
    """None (the hand is down), or a raised hand: when (a time, required) and its message (one line, capped)."""
    if value is None:
        return None
    hand = _mapping(value, 'lab_challenge.hand', ('raised_at', 'message'))
    raised_at = _time(hand.get('raised_at'), 'lab_challenge.hand.raised_at')
    if raised_at is None:
        raise VMDataError('report.invalid.time', field='lab_challenge.hand.raised_at')
    return {'raised_at': raised_at, 'message': _text(hand.get('message'), 'lab_challenge.hand.message', HAND_CAP)}


def _reach(value):
    reach = _mapping(value, 'lab_verify_reach')
    reachable = reach.get('reachable', True)
    return {'reachable': _bool(reachable, 'lab_verify_reach.reachable'),
            'msg': _text(reach.get('msg'), 'lab_verify_reach.msg', TEXT_CAP)}


def check(host_vars):
    """One VM's verify data, typed and bounded (see the module's docstring), or VMDataError."""
    return {
        'reach': _reach(host_vars.get('lab_verify_reach')),
        'error': _text(host_vars.get('lab_verify_error'), 'lab_verify_error', TEXT_CAP),
        'outcomes': _outcomes(host_vars.get('lab_outcomes')),
        'challenge': _challenge(host_vars.get('lab_challenge')),
    }
