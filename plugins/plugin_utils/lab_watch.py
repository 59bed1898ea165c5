# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab-watch: a read-only look at a student's shared terminal, from the controller (bin/lab-watch).

The student is named, not the VM: the inventory (the roster) says which host is theirs (the host whose
variable ``student`` is that name, or the host of that name) and how Ansible reaches it (address, port, user,
key and ssh arguments, as Ansible's ssh connection would take them). Then ssh, with a terminal, runs on the
VM, as the instructor's account: ``runuser -u STUDENT -- tmux -L microlab attach-session -r -t lab``. The tmux
client runs as the student, never as root: a tmux server can make its clients run commands (lock-command,
detach-client -E), and the student owns that server. ``-r`` makes the client read-only: its keys never reach
the student's shell. Without a terminal (or with --snapshot) the pane's text is printed once instead, its
control characters replaced, since it comes from the student's VM.

Every value that reaches ssh or the VM's shell is checked (the student an account name, the address a host
name or an IP address, the account an account name) and the remote command is quoted word by word.
Exit codes: 0 done, 1 no shared terminal or ssh failed, 2 usage or inventory error.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys

from ansible_collections.microlab.docker_internals.plugins.inventory.roster import SSH_USER, is_address
from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, input_rules, lab_cli
from ansible_collections.microlab.docker_internals.plugins.plugin_utils.vm_data import clean_text

# The names lab_students gives the shared terminal (roles/lab_students/vars/main.yml).
SOCKET = 'microlab'
SESSION = 'lab'
STUDENT = input_rules.PATTERNS['linux_account']
NO_TERMINAL = 3          # the remote command's exit code when the student has no shared terminal open
SNAPSHOT_CAP = 65536     # characters of a printed screen
DEFAULT_LANGUAGE = 'en'  # the instructor's tools speak English unless told (lab_language)


class WatchError(Exception):
    """A refusal or failure, said by a catalog key and its parameters; code is the exit code."""

    def __init__(self, key, code=2, **params):
        super().__init__(key)
        self.key = key
        self.code = code
        self.params = params


class Parser(lab_cli.Parser):
    """lab's argparse without English, with lab-watch's own usage error."""

    def error(self, message):
        raise WatchError('watch.err.usage')


def parse(argv):
    parser = Parser(prog='lab-watch')
    parser.add_argument('-i', '--inventory', action='append', default=[])
    parser.add_argument('--private-key')
    parser.add_argument('--vault-password-file', action='append', default=[])
    parser.add_argument('--ask-vault-pass', action='store_true')
    parser.add_argument('--snapshot', action='store_true')
    parser.add_argument('--lang', choices=sorted(catalog.LANGUAGES))
    parser.add_argument('-h', '--help', action='store_true')
    parser.add_argument('student', nargs='?')
    args = parser.parse_args(argv)
    if not args.help and args.student is None:
        raise WatchError('watch.err.usage')
    return args


def check_student(name):
    """The student's name, if it is an account name (what lab_students accepts); WatchError otherwise."""
    if not STUDENT.fullmatch(name):
        raise WatchError('watch.err.bad_name', value=clean_text(repr(name), 60))
    return name


def find_host(hosts, student, sources):
    """The one host of the student: hosts maps each host name to its variables."""
    found = sorted(name for name, variables in hosts.items() if variables.get('student', name) == student)
    if not found:
        raise WatchError('watch.err.unknown_student', student=student, sources=', '.join(sources) or '-')
    if len(found) > 1:
        raise WatchError('watch.err.two_hosts', student=student, hosts=', '.join(found))
    return found[0]


def remote_command(student, user, snapshot):
    """The command the VM's shell runs, every word quoted: the student's tmux client, read-only."""
    as_student = ['runuser', '-u', student, '--'] if user == 'root' else ['sudo', '-u', student, '--']
    tmux = as_student + ['tmux', '-u', '-L', SOCKET]
    check = shlex.join(tmux + ['has-session', '-t', SESSION])
    view = tmux + (['capture-pane', '-p', '-t', SESSION] if snapshot else ['attach-session', '-r', '-t', SESSION])
    return '%s 2>/dev/null || exit %d; exec %s' % (check, NO_TERMINAL, shlex.join(view))


def ssh_argv(student, connection, snapshot):
    """ssh's argv for connection (host, port, user, key, host_key_checking, ssh_args): checked, then built."""
    host, user = connection['host'], connection['user']
    # fullmatch and no whitespace: the patterns' $ would let a final newline through.
    if not is_address(host) or host != ''.join(host.split()):
        raise WatchError('watch.err.bad_address', student=student, what='host')
    if not SSH_USER.fullmatch(user):
        raise WatchError('watch.err.bad_address', student=student, what='user')
    argv = ['ssh'] + list(connection.get('ssh_args') or [])
    if not connection.get('host_key_checking', True):
        argv += ['-o', 'StrictHostKeyChecking=no']
    if connection.get('private_key'):
        argv += ['-i', connection['private_key']]
    # Nothing of the instructor's machine goes to the student's VM: no agent, no X11, no forwarded ports.
    argv += ['-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', '-o', 'ClearAllForwardings=yes',
             '-p', str(int(connection.get('port') or 22)), '-l', user]
    argv += ['-T'] if snapshot else ['-t']
    return argv + [host, remote_command(student, user, snapshot)]


def snapshot_text(output):
    """A screen from the student's VM as printed on the instructor's terminal: no control characters."""
    return clean_text(output, SNAPSHOT_CAP, keep='\n\t').rstrip('\n') + '\n'


def watch(student, connection, snapshot, out, run=subprocess.run):
    """Run ssh; 0 when it worked, WatchError otherwise."""
    argv = ssh_argv(student, connection, snapshot)
    if snapshot:
        done = run(argv, stdout=subprocess.PIPE, text=True, errors='replace', check=False)
        if done.returncode == 0:
            out.write(snapshot_text(done.stdout))
    else:
        # The terminal is ssh's now; Ctrl-C is for the VM's side, not for this process.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            done = run(argv, check=False)
        finally:
            signal.signal(signal.SIGINT, previous)
    if done.returncode == NO_TERMINAL:
        raise WatchError('watch.err.no_terminal', code=1, student=student, host=connection['host'])
    if done.returncode != 0:
        raise WatchError('watch.err.ssh', code=1, host=connection['host'], rc=done.returncode)
    return 0


def main(argv, inventory_hosts, connection_of, interactive, out=sys.stdout, err=sys.stderr, run=subprocess.run):
    """lab-watch's whole run. inventory_hosts(args) -> ({host: variables}, [sources]) and
    connection_of(host variables, args) -> connection dict come from bin/lab-watch (Ansible's inventory and
    ssh settings); interactive says whether standard input and output are a terminal."""
    lang = DEFAULT_LANGUAGE
    try:
        args = parse(argv)
        lang = args.lang or lang
        if args.help:
            out.write('\n'.join(catalog.text(lang, 'watch.usage')) + '\n')
            return 0
        student = check_student(args.student)
        hosts, sources = inventory_hosts(args)
        name = find_host(hosts, student, sources)
        variables = hosts[name]
        if not args.lang and variables.get('lab_language') in catalog.LANGUAGES:
            lang = variables['lab_language']
        return watch(student, connection_of(variables, args), args.snapshot or not interactive, out, run=run)
    except WatchError as exc:
        err.write(catalog.text(lang, exc.key, **exc.params) + '\n')
        if exc.key == 'watch.err.usage':
            err.write(catalog.text(lang, 'watch.usage')[0] + '\n')
        return exc.code
