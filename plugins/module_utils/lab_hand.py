# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A raised hand: `lab help "message"` (`lab ayuda "mensaje"`) asks the instructor for help, `--done` lowers it.

The hand is one small file next to the progress history (hand.json in the lab's state directory, which the
docker group writes): when it was raised (UTC, as lab_steps.now_text writes it) and the student's message, one
line of at most MESSAGE_CAP characters without control, format (bidirectional) or separator characters. It is
written atomically under a lock that follows no link, and read with procfs.safe_read (no link, no FIFO,
bounded), so root reading it (lab_challenge_facts in verify.yml) never follows a path a student controls.
Whatever the file holds is checked again on reading: a member of the docker group may write anything there.
Standard library only: the `lab` command on the VM imports it.
"""

from __future__ import annotations

import contextlib
import json
import os
import unicodedata

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_steps, procfs

HAND_FILE = 'hand.json'
MESSAGE_CAP = 200        # characters of a message
MAX_HAND_BYTES = 4096    # bytes of the file: the longest valid message in UTF-8 fits well
# The words of `lab help`, in both languages whatever the student's: the command, and the flag that lowers the hand.
COMMANDS = ('help', 'ayuda')
DONE_FLAGS = ('--done', '--listo')
# Unicode categories a message may not hold: control (Cc), format (Cf: bidi overrides and isolates U+202A-202E,
# U+2066-2069, marks U+200E/F, zero-width characters), surrogates (Cs), private use (Co), unassigned (Cn), and the
# line and paragraph separators (Zl, Zp) a terminal may break a line at. vm_data replaces the same on the controller.
UNSAFE_CATEGORIES = ('Cc', 'Cf', 'Cs', 'Co', 'Cn', 'Zl', 'Zp')


class HandError(Exception):
    """A message the lab refuses: a catalog key and its parameters (the `lab` command exits 2)."""

    def __init__(self, key, **params):
        super(HandError, self).__init__(key)
        self.key = key
        self.params = params


def hand_path(progress_path):
    """Where the hand is: next to the progress history."""
    return os.path.join(os.path.dirname(progress_path) or '.', HAND_FILE)


def unsafe(char):
    """Whether a character may not be shown as it is (see UNSAFE_CATEGORIES)."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def checked_message(words):
    """The message from the command line's words (joined by spaces, trimmed), or HandError."""
    message = ' '.join(words).strip()
    if not message:
        raise HandError('ch.hand.err.empty')
    bad = next((char for char in message if unsafe(char)), None)
    if bad is not None:
        raise HandError('ch.hand.err.character', code='U+%04X' % ord(bad))
    if len(message) > MESSAGE_CAP:
        raise HandError('ch.hand.err.too_long', length=len(message), limit=MESSAGE_CAP)
    return message


def clean_hand(data):
    """{'raised_at', 'message'} when data is a hand `lab` wrote (a time, a valid message), else None."""
    if not isinstance(data, dict) or not lab_steps.is_time(data.get('raised_at')):
        return None
    message = data.get('message')
    if not isinstance(message, str):
        return None
    try:
        return {'raised_at': data['raised_at'], 'message': checked_message([message])}
    except HandError:
        return None


def load_hand(path):
    """The raised hand at path, checked, or None (no hand, or a file `lab` did not write)."""
    try:
        data = json.loads(procfs.safe_read(path, limit=MAX_HAND_BYTES).decode('utf-8'))
    except (OSError, ValueError, RecursionError):
        return None
    return clean_hand(data)


def raise_hand(path, message, now):
    """Raise the hand with message (already checked) at now; keep when it was first raised. The hand."""
    with lab_steps.locked(path):
        hand = load_hand(path)
        hand = {'raised_at': hand['raised_at'] if hand else now, 'message': message}
        lab_steps.save_progress(path, hand)
    return hand


def lower_hand(path):
    """Lower the hand; the hand that was raised, or None."""
    with lab_steps.locked(path):
        hand = load_hand(path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # unlink removes a link itself, never what it points to
    return hand
