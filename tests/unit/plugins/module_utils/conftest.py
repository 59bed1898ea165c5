# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')


def _read(name, mode='r'):
    with open(os.path.join(FIXTURES, name), mode) as handle:
        return handle.read()


@pytest.fixture
def fixture_text():
    """Text of a file under fixtures/."""
    return _read


@pytest.fixture
def netlink_bytes():
    """Raw netlink reply recorded as hex under fixtures/."""
    return lambda name: bytes.fromhex(_read(name + '.hex').strip())
