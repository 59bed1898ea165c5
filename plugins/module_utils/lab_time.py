# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Time as the lab writes it (UTC, to the second: 2026-12-02T19:37:42Z), read and checked in one place: the
recorder, the progress history, the engine's network times and the class report all use these. Standard
library only."""

from __future__ import annotations

import calendar
import datetime
import re
import time

TIME_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
_ENGINE_TIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')


def time_text(seconds):
    """Unix seconds as the lab writes time."""
    return datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc).strftime(TIME_FORMAT)


def now_text(now=None):
    """Now (or the datetime now) as the lab writes time."""
    return (now or datetime.datetime.now(datetime.timezone.utc)).strftime(TIME_FORMAT)


def text_seconds(text):
    """Unix seconds of a time the lab wrote, None when it is not one."""
    try:
        return calendar.timegm(time.strptime(text, TIME_FORMAT))
    except (TypeError, ValueError, OverflowError):
        return None


def is_time(value):
    """A time as the lab writes it: 20 characters that parse (so bounded too)."""
    return isinstance(value, str) and len(value) == 20 and text_seconds(value) is not None


def utc_seconds(text):
    """The engine's RFC 3339 UTC time (2026-12-02T19:37:42.100838233Z) to the second, as the lab writes times, or ''."""
    if isinstance(text, str) and _ENGINE_TIME.match(text):
        return text[:19] + 'Z'
    return ''
