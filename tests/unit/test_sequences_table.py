# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""molecule/challenge/sequences.yml is a table the challenge scenario can run, and sequences.py judges its answers.

The rows themselves run on the scenario's VMs (molecule test -s challenge); here: the table names real steps,
catalog keys and VMs, covers both languages with must-pass and must-fail rows, and a wrong answer is caught.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_steps

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location('sequences', os.path.join(REPO, 'molecule', 'challenge', 'sequences.py'))
sequences = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sequences)
TABLE = sequences.load(os.path.join(REPO, 'molecule', 'challenge', 'sequences.yml'))
ROWS = TABLE['rows']
IMAGES = {'shell': 'reg/shell:1', 'nginx': 'reg/nginx:1', 'curl': 'reg/curl:1', 'nettools': 'reg/tools:1'}


def test_at_least_twenty_rows_both_ways_in_both_languages():
    ran = [row for row in ROWS if not row.get('skip_unless')]
    assert len(ran) >= 20
    for student in TABLE['languages']:
        mine = [row for row in ran if row['vm'] == student]
        assert [row for row in mine if row['rc'] == 0] and [row for row in mine if row['rc'] == 1]
    assert sorted(TABLE['languages'].values()) == sorted(catalog.LANGUAGES)


@pytest.mark.parametrize('row', ROWS, ids=[row['id'] for row in ROWS])
def test_a_row_names_real_steps_keys_and_a_vm(row):
    assert row['vm'] in TABLE['languages'] and row['commands'] and row['rc'] in (0, 1)
    named = list(row.get('check') or []) + list(row.get('fails') or []) + list(row.get('passes') or [])
    assert set(named) <= set(lab_steps.STEP_IDS) and set(sequences.STEPS) == set(lab_steps.STEP_IDS)
    for key in row.get('says') or []:
        assert all(key in catalog.messages(lang) for lang in catalog.LANGUAGES)
        assert len(sequences.catalog_words(TABLE['languages'][row['vm']], key)) >= 8
    # A must-fail row names the step that fails; only then is its exit code 1.
    assert bool(row.get('fails')) == (row['rc'] == 1)


def test_the_chapter_is_typed_last_on_each_vm_and_kept():
    for student in TABLE['languages']:
        last = [row for row in ROWS if row['vm'] == student][-1]
        assert last['keep'] and last['rc'] == 0 and last['commands'] == ROWS[0]['commands']
    assert [row['id'] for row in ROWS if row.get('keep')] == ['chapter_for_the_report_es', 'chapter_for_the_report_en']


def test_the_chapter_row_types_the_unshare_the_hint_shows():
    """The table proves the hint's command on a VM only if it types that command, word for word."""
    typed = [line for line in ROWS[0]['commands'] if ' unshare ' in line]
    for lang in catalog.LANGUAGES:
        shown = catalog.text(lang, 'ch.scratch_unshared.commands', shell_image='<shell>')[0].split('   # ')[0]
        assert typed == [shown]


def test_the_vm_types_its_own_images_and_each_row_cleans_up():
    script = sequences.vm_script([row for row in ROWS if row['vm'] == 'ana'], IMAGES)
    assert '<shell>' not in script and 'docker run -d reg/shell:1 sleep 500' in script
    assert script.count('row_start ') == len([row for row in ROWS if row['vm'] == 'ana'])
    assert script.count('row_end ') == len([row for row in ROWS if row['vm'] == 'ana' and not row.get('keep')])


def answer(rc=1, check='', passing=(), each=()):
    return {'rc': rc, 'check': check, 'each': list(each), 'typed': '', 'seconds': 1,
            'status': {'steps': [{'id': step, 'passes_now': step in passing} for step in lab_steps.STEP_IDS]}}


def test_a_right_answer_is_as_expected_and_each_wrong_one_is_caught():
    row = next(row for row in ROWS if row['id'] == 'users_uid_1235')
    said = catalog.text('es', 'ch.ev.no_uid', uid=1234, seen='x')
    assert sequences.verdict(row, answer(check=said, passing=['users_root']), 'es') == []
    assert sequences.verdict(row, answer(rc=0, check=said, passing=['users_root']), 'es')
    assert sequences.verdict(row, answer(check=said, passing=['users_root', 'users_uid']), 'es')
    assert sequences.verdict(row, answer(check=said), 'es')
    # The explanation in the other language is not the row's.
    assert sequences.verdict(row, answer(check=catalog.text('en', 'ch.ev.no_uid', uid=1234, seen='x'),
                                         passing=['users_root']), 'es')
    assert sequences.verdict(row, None, 'es') == ['no answer from the VM']


def test_checked_after_each_command_fails_until_the_last():
    row = next(row for row in ROWS if row.get('check_each'))
    steps = lab_steps.STEP_IDS
    ones = [1] * (len(row['commands']) - 1)
    assert sequences.verdict(row, answer(rc=0, passing=steps, each=ones + [0]), 'es') == []
    assert sequences.verdict(row, answer(rc=0, passing=steps, each=ones[:-1] + [0, 0]), 'es')
    assert sequences.verdict(row, answer(rc=0, passing=steps, each=ones), 'es')
