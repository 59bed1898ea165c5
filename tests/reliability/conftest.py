# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the reliability suite: `lab` (the VM, made once) and `converged` (see vm_lab.py).

The VM tests run first, and the bad-input plays (check mode on this machine, no VM) run in a
background thread meanwhile: the VM mostly waits on its engine and on apt, so the step takes
about a minute less than one after the other.
"""

from __future__ import annotations

import concurrent.futures
import os

import vm_lab

# pytest finds fixtures by their names in this module.
lab = vm_lab.lab
converged = vm_lab.converged


def _file(item):
    return os.path.basename(str(item.fspath))


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: _file(item) != 'test_vm_faults.py')  # stable: file order kept otherwise


def pytest_collection_finish(session):
    if not session.config.option.collectonly and any(_file(item) == 'test_bad_input.py' for item in session.items):
        import test_bad_input  # pylint: disable=import-outside-toplevel
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        session.config.microlab_bad_input = executor.submit(test_bad_input.run_all)
        executor.shutdown(wait=False)
