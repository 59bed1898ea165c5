# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The test suites' own guards: under `make test` a suite that cannot run fails, it never skips.

pytest exits 0 when every test is skipped, so a system suite that skipped itself (not root, no
engine, a ground-truth binary missing) used to count as a passed step. Here the system suite runs
on a machine without the `docker` binary (a PATH that only holds the venv): skipped with the reason
by hand, failed under scripts/test.sh's MICROLAB_REQUIRE_SYSTEM=1.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYSTEM_TESTS = os.path.join(REPO, 'tests', 'system', 'test_fact_modules.py')


def run_system_suite(require):
    env = dict(os.environ, PATH=os.path.dirname(sys.executable))  # no docker, ss, nsenter...
    env.pop('MICROLAB_REQUIRE_SYSTEM', None)
    if require:
        env['MICROLAB_REQUIRE_SYSTEM'] = '1'
    return subprocess.run([sys.executable, '-m', 'pytest', '-q', '-rs', '-p', 'no:cacheprovider', SYSTEM_TESTS],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize('require', [False, True], ids=['by-hand', 'make-test'])
def test_system_suite_that_cannot_run(require):
    proc = run_system_suite(require)
    output = proc.stdout + proc.stderr
    assert "system tests need the 'docker' binary" in output, output
    if require:
        assert proc.returncode == 1, output
        assert 'SYSTEM TESTS CANNOT RUN (MICROLAB_REQUIRE_SYSTEM=1)' in output, output
        assert ' passed' not in output.splitlines()[-1], output
    else:
        assert proc.returncode == 0, output
        assert 'SYSTEM TESTS SKIPPED' in output, output
