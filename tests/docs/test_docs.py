# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Docs that run: every command the docs tell a user to run is known here, and runs as written.

collect.py finds the commands in README.md, docs/*.md and roles/*/README.md; commands.yml
says where each runs (docs_env.py). A command the docs show that commands.yml does not know
fails, an entry whose command the docs no longer show fails, and every entry that is not
excluded runs once, in the table's order, and must exit 0 (or fail as the docs say it does).
"""

from __future__ import annotations

import re

import pytest

import collect
import docs_env

TABLE = docs_env.load_table()
DOCS = collect.by_text(collect.collect(docs_env.REPO))
# Twelve, and the four steps of docs/awx.md that need an AWX or a container build host.
MAX_EXCLUDED = 16


def _where(text):
    return ', '.join('%s:%s' % (c.path, c.line) for c in DOCS.get(text, [])) or 'no doc'


def test_every_documented_command_is_known():
    known = set(entry.text for entry in TABLE)
    unknown = [text for text in DOCS if text not in known]
    assert not unknown, 'documented but not known to the test (add each to tests/docs/commands.yml):\n' + \
        '\n'.join('  %s    (%s)' % (text, _where(text)) for text in unknown)


def test_no_stale_entry():
    stale = [entry.text for entry in TABLE if entry.text not in DOCS]
    assert not stale, 'in tests/docs/commands.yml but no longer in the docs (remove or fix):\n' + \
        '\n'.join('  ' + text for text in stale)


def test_table_is_well_formed():
    texts = [entry.text for entry in TABLE]
    assert len(texts) == len(set(texts)), 'an entry appears twice: %s' % sorted(t for t in texts if texts.count(t) > 1)
    for entry in TABLE:
        assert entry.context in docs_env.CONTEXTS, entry.data
        assert entry.text == collect.normalise(entry.text), 'not normalised: %r' % entry.text
        assert entry.expect in ('passes', 'fails'), entry.data
        assert entry.expect == 'passes' or entry.output, 'expect: fails needs output: %r' % entry.data
        if entry.context == 'excluded':
            assert len(entry.reason) >= 20, 'an exclusion needs a reason: %r' % entry.data
            assert not entry.xfail_until, entry.data
        else:
            assert not entry.reason, 'only exclusions have a reason: %r' % entry.data
    excluded = [entry for entry in TABLE if entry.context == 'excluded']
    assert len(excluded) <= MAX_EXCLUDED, 'the exclusion list grew to %d: run them instead' % len(excluded)


def _param(entry):
    marks = []
    if entry.xfail_until:
        marks.append(pytest.mark.xfail(strict=True, reason='fails until %s lands: %s' % (entry.xfail_until, entry.text)))
    return pytest.param(entry, id=entry.text, marks=marks)


RUNNABLE = [_param(entry) for entry in TABLE if entry.context != 'excluded']


@pytest.mark.parametrize('entry', RUNNABLE)
def test_documented_command_runs(entry, docs_env):  # pylint: disable=redefined-outer-name
    assert entry.text in DOCS, 'stale entry, not run: %s' % entry.text
    outcome = docs_env.run(entry)
    where = 'documented in %s; run in context %s (%s)' % (_where(entry.text), entry.context, outcome.cwd)
    tail = outcome.output[-4000:]
    if entry.expect == 'passes':
        assert outcome.rc == 0, '%s\nexited %s; %s\n--- output (tail) ---\n%s' % (entry.text, outcome.rc, where, tail)
        if entry.output:
            assert re.search(entry.output, outcome.output), '%s\nexited 0 but did not print %r; %s\n%s' % (
                entry.text, entry.output, where, tail)
    else:
        assert outcome.rc != 0, '%s\nexited 0 but the docs say it fails; %s\n%s' % (entry.text, where, tail)
        assert re.search(entry.output, outcome.output), '%s\ndid not print %r; %s\n%s' % (
            entry.text, entry.output, where, tail)
        changed = dict((host, counts['changed']) for host, counts in outcome.play.recap.items() if counts['changed'])
        assert not changed, '%s\nfailed as documented but changed something: %s; %s' % (entry.text, changed, where)
