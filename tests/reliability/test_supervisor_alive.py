# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The dockerd supervisor's `alive` (roles/docker_host/templates/microlab-dockerd.sh.j2), run by sh on
this machine against real processes.

On a host whose PID 1 reaps nothing (a container with `sleep` as PID 1), a stopped process stays a
zombie and `kill -0` succeeds on it: `microlab-dockerd stop` then waited for its own supervisor until
it gave up. A zombie counts as stopped. The state is read from /proc/PID/stat after comm, which may
hold spaces and parentheses: the processes here are named to fool a parser that splits on spaces
or stops at the first ')'. Ground truth comes from ps, not from the script.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(REPO, 'roles', 'docker_host', 'templates', 'microlab-dockerd.sh.j2')
# comm is the executable's name (15 characters at most): a field of its own that reads like "Z (".
ODD_NAME = 'a) Z (b c'


def alive_function():
    with open(TEMPLATE, encoding='utf-8') as handle:
        match = re.search(r'^alive\(\) \{\n.*?^\}\n', handle.read(), re.M | re.S)
    assert match, 'no alive() in the supervisor script'
    return match.group(0)


def alive(pid):
    """True when the script's alive() says pid runs."""
    proc = subprocess.run(['sh', '-c', alive_function() + 'alive "$1"', 'sh', str(pid)],
                          capture_output=True, text=True, check=False, timeout=30)
    assert proc.stderr == '', proc.stderr
    return proc.returncode == 0


def comm(pid):
    with open('/proc/%d/comm' % pid, encoding='utf-8') as handle:
        return handle.read().rstrip('\n')


def ps_state(pid):
    return subprocess.run(['ps', '-o', 'stat=', '-p', str(pid)], capture_output=True, text=True,
                          check=False, timeout=30).stdout.strip()[:1]


@pytest.fixture
def odd_sleep(tmp_path):
    link = tmp_path / ODD_NAME
    link.symlink_to('/bin/sleep')
    started = []

    def start(seconds):
        proc = subprocess.Popen([str(link), str(seconds)])
        started.append(proc)
        # Popen returns once exec has begun; the kernel sets the new name a moment later.
        deadline = time.time() + 10
        while comm(proc.pid) != ODD_NAME and time.time() < deadline:
            time.sleep(0.01)
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait(10)


def test_a_running_process_with_parentheses_in_its_name_is_alive(odd_sleep):
    proc = odd_sleep(60)
    assert comm(proc.pid) == ODD_NAME
    assert ps_state(proc.pid) == 'S'
    assert alive(proc.pid)


def test_a_zombie_is_stopped_though_kill_0_succeeds(odd_sleep):
    proc = odd_sleep(0)  # exits at once; nobody reaps it until proc.wait()
    deadline = time.time() + 10
    while ps_state(proc.pid) != 'Z' and time.time() < deadline:
        time.sleep(0.05)
    assert ps_state(proc.pid) == 'Z' and comm(proc.pid) == ODD_NAME
    os.kill(proc.pid, 0)  # no error: why kill -0 cannot tell
    assert not alive(proc.pid)
    proc.wait(10)


@pytest.mark.parametrize('pid', ['', '999999999', 'no-such'])
def test_nothing_to_stop_is_not_alive(pid):
    assert not alive(pid)
