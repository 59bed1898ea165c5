# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Values never reach a shell as code: `lab_images_build_suite='bookworm$(touch /tmp/x)'`
made /tmp/x on the VM, and the supervisor script took its paths inside double quotes.

The checks in tasks/check.yml refuse such values (tests in bad_input_table.py); these tests prove
the second line: with the checks out of the way, the value stays text.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def walk_tasks(tasks):
    for task in tasks or []:
        if isinstance(task, dict):
            yield task
            for key in ('block', 'rescue', 'always'):
                yield from walk_tasks(task.get(key))


def test_no_templated_value_in_a_shell_command():
    """A role's shell tasks hold fixed text only; values go through argv (ansible.builtin.command)."""
    offenders = []
    for path in sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'tasks', '*.yml'))):
        with open(path, encoding='utf-8') as handle:
            for task in walk_tasks(yaml.safe_load(handle)):
                for module in ('ansible.builtin.shell', 'ansible.builtin.command', 'shell', 'command'):
                    args = task.get(module)
                    if args is None:
                        continue
                    text = args if isinstance(args, str) else args.get('cmd', '')
                    if '{{' in text and (module.endswith('shell') or 'docker_host_supervisor }}' not in text):
                        offenders.append('%s: %s' % (os.path.relpath(path, REPO), task.get('name')))
    assert offenders == [], 'templated values in shell command lines (use argv): %s' % offenders


def test_supervisor_script_keeps_paths_as_text():
    """Rendered with a pid file and log under a directory with a space and `$(...)`, the script runs
    nothing of them and holds them verbatim."""
    work = tempfile.mkdtemp(prefix='microlab-quote-')
    marker = os.path.join(work, 'ran')
    odd = os.path.join(work, "dir with space $(touch %s) `touch %s` it's" % (marker, marker))
    script = os.path.join(work, 'microlab-dockerd')
    playbook = os.path.join(work, 'render.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write(
            '- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - ansible.builtin.template:\n'
            '        src: %s/roles/docker_host/templates/microlab-dockerd.sh.j2\n'
            '        dest: %s\n        mode: "0755"\n' % (REPO, script))
    extra = {'docker_host_supervisor_pidfile': odd + '/dockerd.pid',
             'docker_host_supervisor_logfile': odd + '/dockerd.log', 'docker_host_start_timeout': 5}
    proc = subprocess.run(['ansible-playbook', playbook, '-e', json.dumps(extra)], cwd=REPO,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The whole script parses and its assignments run (no argument: usage, exit 2).
    usage = subprocess.run(['sh', script], capture_output=True, text=True, check=False, timeout=30)
    assert usage.returncode == 2, usage
    with open(script, encoding='utf-8') as handle:
        assignments = [line for line in handle if line.startswith(('PIDFILE=', 'LOGFILE='))]
    shown = subprocess.run(['sh', '-c', ''.join(assignments) + 'printf "%s\\n%s" "$PIDFILE" "$LOGFILE"'],
                           capture_output=True, text=True, check=True, timeout=30).stdout
    assert shown == '%s/dockerd.pid\n%s/dockerd.log' % (odd, odd)
    assert not os.path.exists(marker), 'a command in a path ran while the script was read'
    subprocess.run(['rm', '-rf', work], check=False)


def test_a_roster_column_is_checked_like_any_other_source(tmp_path):
    """A class roster can set any variable from a column: lab.yml's first play refuses it before anything."""
    marker = tmp_path / 'ran'
    roster = tmp_path / 'class.csv'
    roster.write_text('student,host,ansible_connection,ansible_python_interpreter,lab_images_build_suite\n'
                      'ana,127.0.0.1,local,/usr/bin/python3,bookworm$(touch %s)\n' % marker, encoding='utf-8')
    proc = subprocess.run(['ansible-playbook', '-i', str(roster), 'lab.yml', '--check'], cwd=REPO,
                          capture_output=True, text=True, check=False, timeout=300,
                          env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    output = ' '.join((proc.stdout + proc.stderr).split())
    assert proc.returncode != 0 and 'changed=0' in output and 'failed=1' in output, output
    assert 'lab_images_build_suite must be a Debian suite name' in output, output
    assert not marker.exists()
