# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab-watch: its arguments, the student found through the inventory, what reaches ssh and the VM's shell
(checked, quoted, read-only, as the student), what it prints, and its names agreeing with lab_students'."""

from __future__ import annotations

import io
import os
import shlex
import subprocess

import pytest
import yaml

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import lab_watch
from ansible_collections.microlab.docker_internals.plugins.plugin_utils.lab_watch import WatchError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
ROLE = os.path.join(ROOT, 'roles', 'lab_students')
CONNECTION = {'host': '192.0.2.11', 'port': 22, 'user': 'root', 'private_key': None, 'host_key_checking': True,
              'ssh_args': ['-o', 'ServerAliveInterval=15']}
HOSTS = {'ana': {'student': 'ana', 'inventory_hostname': 'ana'},
         'vm-bruno': {'student': 'bruno', 'inventory_hostname': 'vm-bruno', 'lab_language': 'es'},
         'carla': {'inventory_hostname': 'carla'}}


# Arguments and names ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('argv', [[], ['--bogus', 'ana'], ['ana', 'bruno'], ['--lang', 'fr', 'ana'], ['-i']])
def test_bad_arguments_are_a_usage_error(argv):
    with pytest.raises(WatchError) as exc:
        lab_watch.parse(argv)
    assert exc.value.key == 'watch.err.usage' and exc.value.code == 2


def test_arguments_as_given():
    args = lab_watch.parse(['-i', 'class.csv', '-i', 'more.yml', '--private-key', 'k', '--snapshot', 'ana'])
    expected = (['class.csv', 'more.yml'], 'k', True, 'ana')
    assert (args.inventory, args.private_key, args.snapshot, args.student) == expected


@pytest.mark.parametrize('name', ['ana', 'walkin1', 'g1_carla', 'a-b', '_x'])
def test_account_names_are_students(name):
    assert lab_watch.check_student(name) == name


@pytest.mark.parametrize('name', ['Ana', 'ana;id', '-oProxyCommand=id', '', 'a' * 33, 'ana maria', '$(id)', 'bruno.diaz',
                                  'ana\n', '1ana'])
def test_other_names_are_refused(name):
    with pytest.raises(WatchError) as exc:
        lab_watch.check_student(name)
    assert exc.value.key == 'watch.err.bad_name'


# The student's host ---------------------------------------------------------------------------------------------
def test_the_host_is_found_by_its_student_variable_or_its_name():
    assert lab_watch.find_host(HOSTS, 'ana', ['class.csv']) == 'ana'
    assert lab_watch.find_host(HOSTS, 'bruno', ['class.csv']) == 'vm-bruno'
    assert lab_watch.find_host(HOSTS, 'carla', ['class.csv']) == 'carla'


def test_a_name_that_is_another_students_host_is_not_that_student():
    hosts = {'ana': {'student': 'bruno'}}
    with pytest.raises(WatchError) as exc:
        lab_watch.find_host(hosts, 'ana', ['class.csv'])
    assert exc.value.key == 'watch.err.unknown_student' and exc.value.params['sources'] == 'class.csv'


def test_a_student_on_two_hosts_is_refused():
    with pytest.raises(WatchError) as exc:
        lab_watch.find_host({'a': {'student': 'ana'}, 'b': {'student': 'ana'}}, 'ana', [])
    assert exc.value.key == 'watch.err.two_hosts' and exc.value.params['hosts'] == 'a, b'


# What reaches the VM's shell and ssh ----------------------------------------------------------------------------
def test_the_remote_command_attaches_read_only_as_the_student():
    command = lab_watch.remote_command('ana', 'root', snapshot=False)
    check, attach = command.split('; exec ')
    assert shlex.split(attach) == ['runuser', '-u', 'ana', '--', 'tmux', '-u', '-L', 'microlab', 'attach-session',
                                   '-r', '-t', 'lab']
    assert shlex.split(check) == ['runuser', '-u', 'ana', '--', 'tmux', '-u', '-L', 'microlab', 'has-session', '-t',
                                  'lab', '2>/dev/null', '||', 'exit', '3']


def test_another_account_becomes_the_student_with_sudo_and_a_snapshot_only_reads():
    command = lab_watch.remote_command('ana', 'admin', snapshot=True)
    expected = ['sudo', '-u', 'ana', '--', 'tmux', '-u', '-L', 'microlab', 'capture-pane', '-p', '-t', 'lab']
    assert shlex.split(command.split('; exec ')[1]) == expected


def test_ssh_gets_the_inventorys_connection_and_forwards_nothing():
    argv = lab_watch.ssh_argv('ana', dict(CONNECTION, port=2222, private_key='/keys/class', host_key_checking=False),
                              snapshot=False)
    assert argv[:3] == ['ssh', '-o', 'ServerAliveInterval=15']
    assert argv[-2] == '192.0.2.11' and argv[-1] == lab_watch.remote_command('ana', 'root', False)
    options = argv[1:-2]
    for pair in (['-p', '2222'], ['-l', 'root'], ['-i', '/keys/class'], ['-o', 'StrictHostKeyChecking=no'],
                 ['-o', 'ForwardAgent=no'], ['-o', 'ForwardX11=no'], ['-o', 'ClearAllForwardings=yes']):
        assert any(options[i:i + 2] == pair for i in range(len(options))), pair
    assert '-t' in options and '-T' not in options


def test_a_snapshot_asks_for_no_terminal_and_host_keys_are_checked_by_default():
    options = lab_watch.ssh_argv('ana', CONNECTION, snapshot=True)[1:-2]
    assert '-T' in options and '-t' not in options and 'StrictHostKeyChecking=no' not in options


@pytest.mark.parametrize('field,value,what', [
    ('host', '-oProxyCommand=touch /tmp/PWNED', 'host'), ('host', 'vm 1', 'host'), ('host', '', 'host'),
    ('host', 'a;b', 'host'), ('host', 'vm\n', 'host'), ('user', 'root\n', 'user'), ('user', 'root user', 'user'),
    ('user', '-lroot', 'user'), ('user', '', 'user')])
def test_an_address_ssh_would_take_as_an_option_is_refused(field, value, what):
    with pytest.raises(WatchError) as exc:
        lab_watch.ssh_argv('ana', dict(CONNECTION, **{field: value}), snapshot=False)
    assert exc.value.key == 'watch.err.bad_address' and exc.value.params == {'student': 'ana', 'what': what}


# A whole run, ssh faked ----------------------------------------------------------------------------------------------
class FakeSsh:
    def __init__(self, rc=0, stdout=''):
        self.rc, self.stdout, self.argv = rc, stdout, None

    def __call__(self, argv, **kwargs):
        self.argv = argv
        return subprocess.CompletedProcess(argv, self.rc, stdout=self.stdout)


def run(argv, ssh, interactive=True, hosts=None):
    out, err = io.StringIO(), io.StringIO()
    code = lab_watch.main(argv, lambda args: (hosts or HOSTS, args.inventory), lambda variables, args: CONNECTION,
                          interactive=interactive, out=out, err=err, run=ssh)
    return code, out.getvalue(), err.getvalue()


def test_a_watch_runs_ssh_with_a_terminal():
    ssh = FakeSsh()
    assert run(['-i', 'class.csv', 'ana'], ssh) == (0, '', '')
    assert '-t' in ssh.argv and ssh.argv[-1].endswith(shlex.join(
        ['runuser', '-u', 'ana', '--', 'tmux', '-u', '-L', 'microlab', 'attach-session', '-r', '-t', 'lab']))


def test_without_a_terminal_the_screen_is_printed_once_without_its_control_characters():
    ssh = FakeSsh(stdout='ana@vm:~$ echo hi\x1b]52;c;cm0gLXJmIH4=\x07\nhi\n\n\n')
    code, out, err = run(['-i', 'class.csv', 'ana'], ssh, interactive=False)
    assert (code, err) == (0, '') and '-T' in ssh.argv and 'capture-pane' in ssh.argv[-1]
    assert out == 'ana@vm:~$ echo hi\ufffd]52;c;cm0gLXJmIH4=\ufffd\nhi\n'


@pytest.mark.parametrize('rc,key', [(3, 'watch.err.no_terminal'), (255, 'watch.err.ssh'), (1, 'watch.err.ssh')])
def test_a_failed_watch_says_why_in_the_students_hosts_language(rc, key):
    code, out, err = run(['bruno'], FakeSsh(rc=rc))
    params = {'student': 'bruno', 'host': '192.0.2.11', 'rc': rc}
    assert (code, out, err) == (1, '', catalog.text('es', key, **params) + '\n')


def test_a_refusal_is_said_in_english_unless_told_and_runs_no_ssh():
    ssh = FakeSsh()
    refusal = catalog.text('en', 'watch.err.bad_name', value="'Ana;id'") + '\n'
    assert run(['-i', 'class.csv', 'Ana;id'], ssh)[::2] == (2, refusal)
    code, out, err = run(['--lang', 'es', '-i', 'class.csv', 'dora'], ssh)
    assert (code, err) == (2, catalog.text('es', 'watch.err.unknown_student', student='dora', sources='class.csv')
                           + '\n')
    assert ssh.argv is None


def test_help_and_usage_come_from_the_catalog():
    assert run(['--help', '--lang', 'es'], FakeSsh()) == (0, '\n'.join(catalog.text('es', 'watch.usage')) + '\n', '')
    code, out, err = run(['--nope'], FakeSsh())
    assert (code, err) == (2, catalog.text('en', 'watch.err.usage') + '\n' + catalog.text('en', 'watch.usage')[0]
                           + '\n')


# lab_students agrees --------------------------------------------------------------------------------------------
def test_the_role_names_the_socket_and_session_lab_watch_attaches_to():
    with open(os.path.join(ROLE, 'vars', 'main.yml'), encoding='utf-8') as handle:
        variables = yaml.safe_load(handle)
    assert variables['lab_students_terminal_socket'] == lab_watch.SOCKET
    assert variables['lab_students_terminal_session'] == lab_watch.SESSION
    with open(os.path.join(ROLE, 'templates', 'shared-terminal-profile.sh.j2'), encoding='utf-8') as handle:
        profile = handle.read()
    assert '-L {{ lab_students_terminal_socket }}' in profile and '-s {{ lab_students_terminal_session }}' in profile


@pytest.mark.parametrize('lang', sorted(catalog.LANGUAGES))
def test_the_status_lines_text_means_nothing_to_tmux(lang):
    """The text goes into tmux's settings in single quotes, inside a format: no quote, #, $, { or backslash."""
    text = catalog.text(lang, 'terminal.watched')
    assert text and all(char.isalpha() or char in ' .,()-' for char in text), text
