# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fact modules as Ansible runs them, given targets that cannot be read: pid 0 (what a stopped
container reports as State.Pid), a pid that exited, a container removed by name, and no root.
Each must end in fail_json with a message that says what to do, never a traceback."""

from __future__ import annotations

import subprocess

import pytest

MODULES = ['netns_socket_facts', 'container_uid_facts']


def exited_pid():
    proc = subprocess.Popen(['true'])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize('module', MODULES)
def test_pid_zero(run_module, module):
    result = run_module(module, {'pids': [0]})
    assert result.get('failed') is True and 'exception' not in result, result
    assert result['msg'].startswith('no process with pid 0'), result


@pytest.mark.parametrize('module', MODULES)
def test_pid_that_exited(run_module, module):
    pid = exited_pid()
    result = run_module(module, {'pids': [pid]})
    assert result.get('failed') is True and 'exception' not in result, result
    assert result['msg'].startswith('no process with pid %d: check `ps -p %d` (the process may have exited)'
                                    % (pid, pid)), result


@pytest.mark.parametrize('module', MODULES)
def test_container_removed_before_the_run(run_module, module):
    name = 'factmod-test-removed'
    subprocess.run(['docker', 'rm', '-f', name], capture_output=True, check=False)
    result = run_module(module, {'containers': [name]})
    assert result.get('failed') is True and 'exception' not in result, result
    assert result['msg'].startswith("no such container '%s'" % name), result


@pytest.mark.parametrize('module', MODULES)
def test_unprivileged_run_says_become(run_module, module):
    result = run_module(module, {'pids': [1]}, as_nobody=True)
    assert result.get('failed') is True and 'exception' not in result, result
    assert 'become: true' in result['msg'], result
