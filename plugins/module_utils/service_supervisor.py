# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keep a command of the lab running where there is no systemd (containers, WSL, CI): start | stop | status.

`start` launches, detached in a session of its own, a supervisor that runs `COMMAND run` and runs it
again when it ends (after 1 s, doubling to 30 s while it keeps failing); a pid file names the
supervisor. A process counts as alive only while /proc/PID/stat says it is not a zombie (a host
whose PID 1 is `sleep` reaps nothing, and `kill -0` succeeds on a zombie) and its command line
is the supervisor's (a pid file may outlive its process and the pid be reused).
Standard library only: it runs on the VM's /usr/bin/python3.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from ansible_collections.microlab.docker_internals.plugins.module_utils import atomic_file, procfs

STATUS_RUNNING = 0
STATUS_STOPPED = 3
"""The exit codes of `status`, as LSB init scripts (and the docker_host supervisor) give them."""
LOG_MAX_BYTES = 1024 * 1024
"""The log is moved to LOG.1 at `start` past this size (the command logs only its troubles)."""
RESTART_DELAY_MAX = 30


def process_state(pid, proc='/proc'):
    """The state letter of /proc/PID/stat (R, S, Z...), None when there is no such process."""
    try:
        text = procfs.read_text('%s/%d/stat' % (proc, pid), limit=4096)
    except OSError:
        return None
    fields = text.rpartition(')')[2].split()
    return fields[0] if fields else None


def alive(pid, argv, proc='/proc'):
    """Whether process `pid` runs (not a zombie, not dead) with exactly this command line."""
    if not pid or process_state(pid, proc) in (None, 'Z', 'X', 'x'):
        return False
    try:
        cmdline = procfs.safe_read('%s/%d/cmdline' % (proc, pid), limit=64 * 1024)
    except OSError:
        return False
    return cmdline.split(b'\0')[:-1] == [os.fsencode(part) for part in argv]


def read_pid(pidfile):
    """The pid in a pid file, None when it is missing or not a pid."""
    try:
        text = procfs.safe_read(pidfile, limit=64).decode('ascii', 'replace').strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and 0 < int(text) < 2 ** 22 else None


class Supervisor(object):
    """`command run` kept running; `command supervise` is the supervisor's own command line."""

    def __init__(self, command, pidfile, logfile, proc='/proc', python=None):
        self.command = command
        self.pidfile = pidfile
        self.logfile = logfile
        self.proc = proc
        self.python = python or sys.executable
        self.argv = [self.python, '-I', command, 'supervise']

    def running_pid(self):
        pid = read_pid(self.pidfile)
        return pid if alive(pid, self.argv, self.proc) else None

    def status(self):
        pid = self.running_pid()
        if pid:
            return STATUS_RUNNING, 'running (supervisor pid %s, log %s)' % (pid, self.logfile)
        return STATUS_STOPPED, 'not running'

    def start(self, wait=2.0):
        """Start the supervisor unless it runs: (exit code, message)."""
        pid = self.running_pid()
        if pid:
            return 0, 'already running (supervisor pid %s)' % pid
        for path in (self.pidfile, self.logfile):
            os.makedirs(os.path.dirname(path) or '.', mode=0o755, exist_ok=True)
        if os.path.isfile(self.logfile) and os.path.getsize(self.logfile) > LOG_MAX_BYTES:
            os.replace(self.logfile, self.logfile + '.1')
        with open(self.logfile, 'ab') as log, open(os.devnull, 'rb') as nothing:
            child = subprocess.Popen(self.argv, stdin=nothing, stdout=log, stderr=log, close_fds=True,
                                     start_new_session=True)
        write_pid(self.pidfile, child.pid)
        deadline = time.time() + wait
        while time.time() < deadline:
            if child.poll() is not None:
                return 1, 'the supervisor ended at once (exit %s): see %s' % (child.returncode, self.logfile)
            time.sleep(0.1)
        return 0, 'started (supervisor pid %d, log %s)' % (child.pid, self.logfile)

    def stop(self, timeout=10.0):
        """Stop the supervisor and its command: (exit code, message)."""
        pid = self.running_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
            deadline = time.time() + timeout
            while alive(pid, self.argv, self.proc):
                if time.time() > deadline:
                    return 1, 'supervisor pid %s did not stop within %ss' % (pid, timeout)
                time.sleep(0.1)
        try:
            os.unlink(self.pidfile)
        except FileNotFoundError:
            pass
        return 0, 'stopped'

    def supervise(self, sleep=time.sleep, now=time.time):
        """Run `command run` again whenever it ends, until SIGTERM (then stop it and return)."""
        state = {'stopping': False, 'child': None}

        def stop_now(signum, frame):
            state['stopping'] = True
            if state['child'] is not None and state['child'].poll() is None:
                state['child'].terminate()

        signal.signal(signal.SIGTERM, stop_now)
        signal.signal(signal.SIGINT, stop_now)
        delay = 1
        while not state['stopping']:
            started = now()
            state['child'] = subprocess.Popen([self.python, '-I', self.command, 'run'], close_fds=True)
            code = state['child'].wait()
            if state['stopping']:
                break
            log_line('%s run ended (exit %s); again in %ds' % (self.command, code, delay))
            sleep(delay)
            delay = 1 if now() - started > 60 else min(delay * 2, RESTART_DELAY_MAX)
        return 0


def write_pid(pidfile, pid):
    """Write a pid file atomically (atomic_file; root's directory: /run), 0644."""
    atomic_file.write(pidfile, '%d\n' % pid, 0o644)


def log_line(message):
    sys.stderr.write('%s %s\n' % (time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), message))
    sys.stderr.flush()


def control(supervisor, action):
    """Run `start`, `stop`, `restart` or `status` and print its message: the exit code."""
    if action == 'restart':
        code, message = supervisor.stop()
        if code == 0:
            code, message = supervisor.start()
    else:
        code, message = getattr(supervisor, action)()
    sys.stdout.write(message + '\n')
    return code
