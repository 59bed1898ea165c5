# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The supervisor that keeps the recorder running without systemd: real processes, a fake command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import service_supervisor

COMMAND = '''import os, sys, time
sys.path[:0] = {path!r}
from ansible_collections.microlab.docker_internals.plugins.module_utils import service_supervisor
if sys.argv[1] == 'run':
    with open({runs!r}, 'a') as handle:
        handle.write('%d\\n' % os.getpid())
    time.sleep(float(open({lifetime!r}).read()))
    sys.exit(4)
supervisor = service_supervisor.Supervisor(os.path.abspath(sys.argv[0]), {pidfile!r}, {logfile!r})
sys.exit(supervisor.supervise() if sys.argv[1] == 'supervise' else service_supervisor.control(supervisor, sys.argv[1]))
'''


@pytest.fixture
def command(tmp_path):
    """A command like the recorder's entry point whose `run` records its pid and sleeps `lifetime` s."""
    paths = dict((name, str(tmp_path / name)) for name in ('runs', 'lifetime', 'pidfile', 'logfile'))
    (tmp_path / 'lifetime').write_text('600')
    script = tmp_path / 'command'
    script.write_text(COMMAND.format(path=sys.path, **paths))
    supervisor = service_supervisor.Supervisor(str(script), paths['pidfile'], paths['logfile'])
    yield supervisor, paths
    pid = supervisor.running_pid()
    if pid:
        supervisor.stop()


def ctl(supervisor, action):
    done = subprocess.run([sys.executable, '-I', supervisor.command, action], capture_output=True, text=True,
                          timeout=60, check=False)
    return done.returncode, done.stdout


def runs(paths):
    try:
        with open(paths['runs']) as handle:
            return [int(line) for line in handle]
    except FileNotFoundError:
        return []


def wait_for(condition, seconds=15):
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, 'timed out'
        time.sleep(0.05)


def test_start_status_stop_and_start_again_is_idempotent(command):
    supervisor, paths = command
    assert ctl(supervisor, 'status') == (3, 'not running\n')
    code, out = ctl(supervisor, 'start')
    assert code == 0 and out.startswith('started (supervisor pid ')
    wait_for(lambda: len(runs(paths)) == 1)
    pid = supervisor.running_pid()
    assert ctl(supervisor, 'status')[0] == 0
    assert ctl(supervisor, 'start') == (0, 'already running (supervisor pid %d)\n' % pid)
    assert len(runs(paths)) == 1
    child = runs(paths)[0]
    assert ctl(supervisor, 'stop') == (0, 'stopped\n')
    assert ctl(supervisor, 'status')[0] == 3 and not os.path.exists(paths['pidfile'])
    wait_for(lambda: service_supervisor.process_state(child) in (None, 'Z'))


def test_the_command_runs_again_when_it_ends(command):
    supervisor, paths = command
    with open(paths['lifetime'], 'w') as handle:
        handle.write('0.2')
    assert ctl(supervisor, 'start')[0] == 0
    wait_for(lambda: len(runs(paths)) >= 3)  # after 1 s, then 2 s
    with open(paths['logfile']) as handle:
        assert 'run ended (exit 4); again in 1s' in handle.read()


def test_a_killed_command_is_restarted(command):
    supervisor, paths = command
    assert ctl(supervisor, 'start')[0] == 0
    wait_for(lambda: len(runs(paths)) == 1)
    os.kill(runs(paths)[0], signal.SIGKILL)
    wait_for(lambda: len(runs(paths)) == 2)


def test_restart_gives_a_new_supervisor(command):
    supervisor, paths = command
    assert ctl(supervisor, 'start')[0] == 0
    first = supervisor.running_pid()
    code, out = ctl(supervisor, 'restart')
    assert code == 0 and out.startswith('started') and supervisor.running_pid() not in (None, first)


def test_a_stale_pid_file_or_another_process_is_not_the_supervisor(command, tmp_path):
    supervisor, paths = command
    other = subprocess.Popen(['sleep', '30'])
    try:
        service_supervisor.write_pid(paths['pidfile'], other.pid)
        assert supervisor.status()[0] == 3  # a live process, but not this supervisor
    finally:
        other.kill()
        other.wait()
    for text in ('', 'x', '-1', '99999999', '1' * 100):
        with open(paths['pidfile'], 'w') as handle:
            handle.write(text)
        assert service_supervisor.read_pid(paths['pidfile']) is None or supervisor.status()[0] == 3


def test_a_zombie_counts_as_stopped(tmp_path):
    """kill -0 succeeds on a zombie; /proc/PID/stat says Z (a host whose PID 1 reaps nothing)."""
    zombie = subprocess.Popen(['true'])
    wait_for(lambda: service_supervisor.process_state(zombie.pid) == 'Z')
    os.kill(zombie.pid, 0)  # still "there" for kill -0
    with open('/proc/%d/cmdline' % zombie.pid, 'rb') as handle:
        assert handle.read() == b''
    assert service_supervisor.alive(zombie.pid, ['true']) is False
    zombie.wait()
    assert service_supervisor.process_state(zombie.pid) is None


def test_state_is_read_after_the_command_name(tmp_path):
    (tmp_path / '42').mkdir()
    (tmp_path / '42' / 'stat').write_text('42 (a) Z (b) R 1 2 3\n')
    assert service_supervisor.process_state(42, proc=str(tmp_path)) == 'R'
    (tmp_path / '42' / 'stat').write_text('42 (x) Z 1\n')
    assert service_supervisor.process_state(42, proc=str(tmp_path)) == 'Z'
    (tmp_path / '42' / 'cmdline').write_bytes(b'python3\0-I\0cmd\0supervise\0')
    assert service_supervisor.alive(42, ['python3', '-I', 'cmd', 'supervise'], proc=str(tmp_path)) is False
    (tmp_path / '42' / 'stat').write_text('42 (x) S 1\n')
    assert service_supervisor.alive(42, ['python3', '-I', 'cmd', 'supervise'], proc=str(tmp_path)) is True
    assert service_supervisor.alive(42, ['python3', '-I', 'cmd'], proc=str(tmp_path)) is False


def test_a_big_log_is_moved_aside_at_start(command):
    supervisor, paths = command
    with open(paths['logfile'], 'w') as handle:
        handle.write('x' * (service_supervisor.LOG_MAX_BYTES + 1))
    assert ctl(supervisor, 'start')[0] == 0
    assert os.path.getsize(paths['logfile'] + '.1') > service_supervisor.LOG_MAX_BYTES
    assert os.path.getsize(paths['logfile']) < 1000
