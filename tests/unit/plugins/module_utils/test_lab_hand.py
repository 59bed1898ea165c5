# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A raised hand on the VM: the message's rules, the file written atomically and read without following a link."""

from __future__ import annotations

import json
import os
import threading

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_hand

NOW = '2026-11-25T10:12:00Z'
LATER = '2026-11-25T10:20:00Z'


@pytest.mark.parametrize('words, message', [
    (['no me sale'], 'no me sale'),
    (['  why', 'exit', 'code', '28?  '], 'why exit code 28?'),
    (['<b>¿qué?</b> ñandú'], '<b>¿qué?</b> ñandú'),
    (['x' * 200], 'x' * 200),
])
def test_a_message_is_the_words_on_one_line(words, message):
    assert lab_hand.checked_message(words) == message


@pytest.mark.parametrize('words, key, params', [
    ([], 'ch.hand.err.empty', {}),
    (['   '], 'ch.hand.err.empty', {}),
    (['x' * 201], 'ch.hand.err.too_long', {'length': 201, 'limit': 200}),
    (['uno\ndos'], 'ch.hand.err.character', {'code': 'U+000A'}),
    (['a\u202eb'], 'ch.hand.err.character', {'code': 'U+202E'}),
    (['a\u2066b'], 'ch.hand.err.character', {'code': 'U+2066'}),
    (['a\x1b[2Jb'], 'ch.hand.err.character', {'code': 'U+001B'}),
    (['a\u2028b'], 'ch.hand.err.character', {'code': 'U+2028'}),
    (['a\u200bb'], 'ch.hand.err.character', {'code': 'U+200B'}),
])
def test_a_bad_message_is_refused_with_a_catalog_key(words, key, params):
    with pytest.raises(lab_hand.HandError) as error:
        lab_hand.checked_message(words)
    assert (error.value.key, error.value.params) == (key, params)


def test_the_hand_lives_next_to_the_history():
    assert lab_hand.hand_path('/var/lib/microlab/progress.json') == '/var/lib/microlab/hand.json'


def test_raise_keeps_when_it_was_first_raised_and_lower_removes_it(tmp_path):
    path = str(tmp_path / 'hand.json')
    assert lab_hand.load_hand(path) is None
    assert lab_hand.raise_hand(path, 'first', NOW) == {'raised_at': NOW, 'message': 'first'}
    assert lab_hand.raise_hand(path, 'second', LATER) == {'raised_at': NOW, 'message': 'second'}
    assert json.loads((tmp_path / 'hand.json').read_text()) == {'raised_at': NOW, 'message': 'second'}
    assert oct(os.stat(path).st_mode & 0o777) == '0o660'
    assert lab_hand.lower_hand(path) == {'raised_at': NOW, 'message': 'second'}
    assert not os.path.exists(path)
    assert lab_hand.lower_hand(path) is None


def test_a_link_planted_as_the_hand_is_neither_followed_nor_its_target_touched(tmp_path):
    secret = tmp_path / 'secret'
    secret.write_text(json.dumps({'raised_at': NOW, 'message': 'from a file root owns'}))
    link = tmp_path / 'hand.json'
    link.symlink_to(secret)
    assert lab_hand.load_hand(str(link)) is None
    lab_hand.raise_hand(str(link), 'mine', LATER)
    assert not link.is_symlink() and json.loads(secret.read_text())['message'] == 'from a file root owns'
    link.unlink()
    link.symlink_to(secret)
    lab_hand.lower_hand(str(link))
    assert secret.exists() and not os.path.lexists(link)


def test_a_fifo_as_the_hand_does_not_block_the_reader(tmp_path):
    fifo = tmp_path / 'hand.json'
    os.mkfifo(fifo)
    found = []
    reader = threading.Thread(target=lambda: found.append(lab_hand.load_hand(str(fifo))), daemon=True)
    reader.start()
    reader.join(5)
    assert found == [None]


@pytest.mark.parametrize('content', [
    'not json', '[]', '{"raised_at": "yesterday", "message": "x"}', '{"raised_at": "%s", "message": 5}' % NOW,
    '{"raised_at": "%s", "message": "a\\u202eb"}' % NOW, '{"raised_at": "%s", "message": "%s"}' % (NOW, 'x' * 201),
    '{"raised_at": "%s", "message": ""}' % NOW, '{"raised_at": "%s", "message": "%s"}' % (NOW, 'x' * 5000),
])
def test_a_file_lab_did_not_write_is_no_hand(tmp_path, content):
    path = tmp_path / 'hand.json'
    path.write_text(content)
    assert lab_hand.load_hand(str(path)) is None
