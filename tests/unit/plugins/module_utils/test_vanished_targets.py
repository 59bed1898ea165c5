# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A target that exits: before it is resolved, and between resolving it and reading it."""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, netns_sockets, targets


@pytest.fixture
def exited_pid():
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen(['true'])
    proc.wait()
    return proc.pid


@pytest.fixture
def vanishing_target():
    """A pid target resolved while its process ran, and the process then gone."""
    proc = subprocess.Popen(['sleep', '30'])
    target = targets.pid_target(proc.pid)
    proc.kill()
    proc.wait()
    return target


def test_exited_pid_is_refused_by_name(exited_pid):
    with pytest.raises(targets.TargetError) as err:
        targets.pid_target(exited_pid)
    assert str(err.value).startswith('no process with pid %d: check `ps -p %d` (the process may have exited)'
                                     % (exited_pid, exited_pid))


def test_sockets_of_a_target_that_exited_meanwhile(vanishing_target):
    with pytest.raises(targets.TargetError) as err:
        netns_sockets.gather([vanishing_target])
    assert "pid 'pid:%d' has no readable network namespace" % vanishing_target['pid'] in str(err.value)


def test_processes_of_a_target_that_exited_meanwhile(vanishing_target):
    with pytest.raises(targets.TargetError) as err:
        container_processes.gather([vanishing_target])
    assert str(err.value) == ("pid 'pid:%d' has no process any more (pid %d): start it again"
                              % (vanishing_target['pid'], vanishing_target['pid']))
