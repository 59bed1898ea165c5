# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared terminal as a class uses it: a student at an SSH terminal, the instructor watching with lab-watch.

Usage: shared_terminal.py --inventory class.csv --ssh-key KEY --student ana --address IP --lang es
                          --idle-student bruno

The student logs in with `ssh -tt` (a terminal on the VM, keys from a pipe) and types a command; the
instructor runs bin/lab-watch under `script` (a terminal here) and must see that command and its output;
keys typed into the instructor's view must not reach the student's shell; the student's own screen must say
that the instructor watches (the catalog's text in the student's language) while a read-only client is
attached, as tmux itself lists it. Then: lab-watch without a terminal prints the screen once; a student who
has not logged in is said so (exit 1); non-interactive SSH sees no tmux. Prints one line per check; exit
code 1 when one failed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(PROJECT, '.ansible', 'collections'))

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog  # noqa: E402

TYPED = 'echo typed-by-student-$((6*7))'
RAN = 'typed-by-student-42'
HIJACK = 'echo HIJACK-$((2*3))'
HIJACKED = 'HIJACK'
STARTED = []  # every Stream, ended when the checks end however they end


class Stream:
    """A process whose output is collected as it comes, keys written to its standard input."""

    def __init__(self, argv, env):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=env)
        STARTED.append(self)
        self.chunks = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b''):
            self.chunks.append(chunk)

    def text(self):
        return b''.join(self.chunks).decode('utf-8', errors='replace')

    def type(self, keys):
        self.proc.stdin.write(keys.encode())
        self.proc.stdin.flush()

    def wait_for(self, words, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if words in self.text():
                return True
            time.sleep(0.3)
        return False

    def end(self, seconds=20):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for option in ('--inventory', '--ssh-key', '--student', '--address', '--lang', '--idle-student'):
        parser.add_argument(option, required=True)
    args = parser.parse_args(argv)
    ssh = ['ssh', '-i', args.ssh_key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
           '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes']
    env = dict(os.environ, TERM='xterm', ANSIBLE_HOST_KEY_CHECKING='false',
               ANSIBLE_SSH_EXTRA_ARGS='-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR')
    watched = catalog.text(args.lang, 'terminal.watched')
    watch = [os.path.join(PROJECT, 'bin', 'lab-watch'), '-i', args.inventory, '--private-key', args.ssh_key]
    results = []

    def check(name, ok, detail=''):
        results.append(ok)
        print('%s  %s%s' % ('ok  ' if ok else 'FAIL', name, '' if ok else ': ' + detail[-3000:]))

    def as_root(command):
        return subprocess.run(ssh + ['root@' + args.address, command], capture_output=True, text=True,
                              check=False, timeout=60)

    student = Stream(ssh + ['-tt', '%s@%s' % (args.student, args.address)], env)
    up = False
    for attempt in range(40):  # pylint: disable=unused-variable
        up = as_root('runuser -u %s -- tmux -L microlab has-session -t lab' % shlex.quote(args.student)).returncode == 0
        if up:
            break
        time.sleep(0.5)
    check('the student\'s interactive SSH login runs in the shared terminal', up, student.text())

    instructor = Stream(['script', '-qfec', shlex.join(watch + [args.student]), '/dev/null'], env)
    readers = []
    for attempt in range(40):  # pylint: disable=unused-variable
        clients = as_root('runuser -u %s -- tmux -L microlab list-clients -F "#{client_readonly} #{client_pid}"'
                          % shlex.quote(args.student)).stdout
        readers = [line.split()[1] for line in clients.splitlines() if line.startswith('1 ')]
        if readers:
            break
        time.sleep(0.5)
    check('lab-watch attached a read-only client (tmux list-clients)', len(readers) == 1, clients + instructor.text())
    owners = as_root('ps -o user= -p %s' % shlex.quote(readers[0])).stdout.split() if readers else []
    check('the instructor\'s tmux client runs as the student, not as root', owners == [args.student], repr(owners))
    check('the student\'s screen says the instructor watches: %s' % watched, student.wait_for(watched),
          student.text())

    student.type(TYPED + '\r')
    check('the instructor sees the command the student typed, and its output',
          instructor.wait_for(RAN) and TYPED in instructor.text(), instructor.text())
    instructor.type(HIJACK + '\r')
    time.sleep(3)
    student.type('echo after-$((1+1))\r')
    student.wait_for('after-2')
    check('keys typed into the instructor\'s view never reach the student\'s shell',
          HIJACKED not in student.text() and HIJACKED not in instructor.text(), student.text())

    instructor.type('\x02d')  # Ctrl-b d: the read-only client detaches
    rc = instructor.end()
    check('lab-watch ends with exit code 0 when the instructor detaches', rc == 0, '%s %s' % (rc, instructor.text()))
    left = as_root('runuser -u %s -- tmux -L microlab list-clients -F "#{client_readonly}"' % shlex.quote(args.student))
    check('once the instructor left, no read-only client is attached', left.stdout.split() == ['0'], left.stdout)

    snapshot = subprocess.run(watch + [args.student], capture_output=True, text=True, env=env, check=False,
                              timeout=120)
    check('lab-watch without a terminal prints the student\'s screen once',
          snapshot.returncode == 0 and RAN in snapshot.stdout and '\x1b' not in snapshot.stdout,
          '%s %s %s' % (snapshot.returncode, snapshot.stdout, snapshot.stderr))

    idle = subprocess.run(watch + [args.idle_student], capture_output=True, text=True, env=env, check=False,
                          timeout=120)
    check('lab-watch says so when the student has no shared terminal open',
          idle.returncode == 1 and 'no shared terminal open' in idle.stderr,
          '%s %s %s' % (idle.returncode, idle.stdout, idle.stderr))

    plain = subprocess.run(ssh + ['%s@%s' % (args.student, args.address), 'echo "[${TMUX:-}]"'],
                           capture_output=True, text=True, check=False, timeout=60)
    piped = subprocess.run(ssh + ['-T', '%s@%s' % (args.student, args.address)], input='echo "[${TMUX:-}]"\n',
                           capture_output=True, text=True, check=False, timeout=60)
    check('non-interactive SSH (a command, or a script on standard input) runs outside tmux',
          plain.stdout.strip() == '[]' and piped.stdout.strip().endswith('[]'),
          repr((plain.stdout, plain.stderr, piped.stdout, piped.stderr)))

    student.type('exit\r')
    student.end()
    return 0 if all(results) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    finally:
        for stream in STARTED:
            if stream.proc.poll() is None:
                stream.proc.kill()
