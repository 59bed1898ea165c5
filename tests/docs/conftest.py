# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the docs test: `docs_env`, the checkout, a fresh copy and two VMs (docs_env.py)."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import docs_env as _docs_env  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def docs_env():
    if os.geteuid() != 0:
        pytest.fail('THE DOCS TEST CANNOT RUN: it needs root (the lab installs Docker in VMs it starts)',
                    pytrace=False)
    yield from _docs_env.session_env()
