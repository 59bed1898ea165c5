# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The recorder against the real engine: the chapter's commands, typed with containers and a network of
this test's own (unique names and label), recorded as they happen; checked against what the docker CLI,
`docker events` and the host's `ps` say, not against the recorder's own code. Then the recorder is
killed, a container runs while it is down, and a restarted recorder catches up from where it was.

Needs root, an engine on /var/run/docker.sock and the lab's images (microlab.local/lab-*:bookworm).
Touches nothing but its own objects.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_recorder

SHELL = 'microlab.local/lab-shell:bookworm'
NGINX = 'microlab.local/lab-nginx:bookworm'
CURL = 'microlab.local/lab-curl:bookworm'
COLLECTIONS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(lab_recorder.__file__)))))))
CPU_SECONDS_MAX = 3.0
RSS_KIB_MAX = 64 * 1024


def docker(*args, check=True):
    done = subprocess.run(['docker'] + list(args), capture_output=True, text=True, timeout=120, check=False)
    if check and done.returncode:
        raise AssertionError('docker %s: %s' % (' '.join(args), done.stderr))
    return done


class Recorder(object):
    """The recorder as the VM runs it (`run`), as a process of its own."""

    def __init__(self, path):
        self.path = path
        self.process = None

    def start(self):
        code = ('import sys; from ansible_collections.microlab.docker_internals.plugins.module_utils import '
                'lab_recorder; sys.exit(lab_recorder.main(["run", "--runs", %r]))' % self.path)
        self.process = subprocess.Popen([sys.executable, '-c', code], env=dict(os.environ, PYTHONPATH=COLLECTIONS),
                                        stderr=subprocess.PIPE)
        wait_for(lambda: os.path.exists(self.path), 'the recorder to write its file')

    def usage(self):
        """(RSS in KiB, CPU seconds) of the recorder so far."""
        with open('/proc/%d/status' % self.process.pid) as handle:
            rss = int(next(line for line in handle if line.startswith('VmRSS:')).split()[1])
        with open('/proc/%d/stat' % self.process.pid) as handle:
            fields = handle.read().rpartition(')')[2].split()
        return rss, (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def kill(self, sig=signal.SIGKILL):
        self.process.send_signal(sig)
        self.process.wait(30)
        return self.process.stderr.read().decode()

    def record(self):
        return lab_recorder.load_runs(self.path)


def wait_for(condition, what, seconds=30):
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        time.sleep(0.1)


def runs_by_name(record):
    return dict((run['name'], run) for run in record['runs'])


@pytest.fixture(scope='module')
def chapter(tmp_path_factory):
    """The chapter typed with this test's names while the recorder runs; what the CLI saw of it."""
    suffix = uuid.uuid4().hex[:8]
    name = dict((k, 'rec-sys-%s-%s' % (suffix, k)) for k in (
        'web', 'curl', 'lonely', 'ipa', 'ipa2', 'exit28', 'uid', 'down', 'net'))
    label = ['--label', 'microlab.test=recorder-' + suffix]
    recorder = Recorder(str(tmp_path_factory.mktemp('recorder') / 'runs.json'))
    seen = {'suffix': suffix, 'name': name, 'recorder': recorder, 'since': int(time.time())}
    try:
        recorder.start()
        seen['before'] = recorder.usage()
        docker('network', 'create', *label, name['net'])
        seen['network'] = json.loads(docker('network', 'inspect', name['net']).stdout)[0]
        docker('run', '-d', '--name', name['web'], *label, NGINX)
        ip = docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', name['web']).stdout.strip()
        wait_for(lambda: docker('run', '--rm', *label, CURL, '-s', '-o', '/dev/null', ip, check=False).returncode == 0,
                 'nginx to answer')
        seen['curl'] = docker('run', '--rm', '--name', name['curl'], *label, CURL, '-s', '-o', '/dev/null',
                              '-w', '%{http_code}', ip, check=False)
        seen['lonely'] = docker('run', '--rm', '--name', name['lonely'], '--network', name['net'], *label, CURL,
                                '-s', '-m', '2', ip, check=False)
        seen['ipa'] = docker('run', '--rm', '--name', name['ipa'], *label, SHELL, 'ip', 'a')
        seen['ipa2'] = docker('run', '--rm', '--name', name['ipa2'], '--network', name['net'], *label, SHELL, 'ip', 'a')
        seen['exit28'] = docker('run', '--rm', '--name', name['exit28'], *label, SHELL, 'sh', '-c', 'echo bye; exit 28',
                                check=False)
        docker('run', '-d', '--rm', '--name', name['uid'], '--user', '1234', *label, SHELL, 'sleep', '60')
        pid = docker('inspect', '-f', '{{.State.Pid}}', name['uid']).stdout.strip()
        seen['uid_ps'] = subprocess.run(['ps', '-o', 'ruid=', '-p', pid], capture_output=True, text=True,
                                        check=True).stdout.split()
        wait_for(lambda: name['exit28'] in runs_by_name(recorder.record()) and
                 runs_by_name(recorder.record())[name['exit28']]['exit_code'] is not None, 'the last run recorded')
        seen['after'] = recorder.usage()
        seen['until'] = int(time.time()) + 1
        time.sleep(1.2)
        seen['events'] = [json.loads(line) for line in docker(
            'events', '--since', str(seen['since']), '--until', str(seen['until']), '--format', '{{json .}}',
            '--filter', 'label=microlab.test=recorder-' + suffix).stdout.splitlines()]
        # Network events carry no container label: all connects of the time, kept for this test's containers.
        seen['connects'] = [json.loads(line) for line in docker(
            'events', '--since', str(seen['since']), '--until', str(seen['until']), '--format', '{{json .}}',
            '--filter', 'type=network', '--filter', 'event=connect').stdout.splitlines()]
        seen['record'] = recorder.record()
        yield seen
    finally:
        if recorder.process and recorder.process.poll() is None:
            recorder.kill(signal.SIGTERM)
        docker('rm', '-f', *[name[k] for k in name if k != 'net'], check=False)
        docker('network', 'rm', name['net'], check=False)


def test_exit_codes_are_those_the_cli_and_the_events_saw(chapter):
    runs = runs_by_name(chapter['record'])
    name = chapter['name']
    died = dict((e['Actor']['Attributes']['name'], int(e['Actor']['Attributes']['exitCode']))
                for e in chapter['events'] if e.get('Action') == 'die')
    for key in ('curl', 'lonely', 'ipa', 'ipa2', 'exit28'):
        assert runs[name[key]]['exit_code'] == died[name[key]]
    assert runs[name['curl']]['exit_code'] == chapter['curl'].returncode == 0
    assert runs[name['lonely']]['exit_code'] == chapter['lonely'].returncode == 28
    assert runs[name['exit28']]['exit_code'] == chapter['exit28'].returncode == 28


def test_output_of_containers_already_removed_is_what_the_cli_printed(chapter):
    runs = runs_by_name(chapter['record'])
    name = chapter['name']
    for key in ('ipa', 'ipa2'):
        assert runs[name[key]]['auto_remove'] is True
        assert docker('inspect', name[key], check=False).returncode == 1  # gone: only the record keeps it
    # Now and then the engine loses all the output of a container that exits at once (moby/moby#27289, seen in
    # this test on Docker 20.10): the CLI then printed nothing and the recorder must keep nothing too. Each run's
    # output is either what the chapter's command prints or nothing; the recorder keeps exactly what the CLI printed.
    expected = {'ipa': 'inet 127.0.0.1/8', 'ipa2': 'inet 127.0.0.1/8', 'curl': '200', 'exit28': 'bye\n'}
    printed = {}
    for key, part in expected.items():
        out = chapter[key].stdout
        assert runs[name[key]]['output'] == out, 'the recorder kept %r of %s, the CLI printed %r' % (
            runs[name[key]]['output'], key, out)
        assert out == '' or part in out, (key, out)
        if out:
            printed[key] = out
    assert printed, 'the engine lost the output of every run: nothing was compared'
    assert printed.get('curl', '200') == '200' and printed.get('exit28', 'bye\n') == 'bye\n', printed


def test_user_and_host_uids_are_what_ps_saw(chapter):
    run = runs_by_name(chapter['record'])[chapter['name']['uid']]
    assert run['user'] == '1234' and run['cmd'] == ['sleep', '60']
    assert run['host_uids'] == [int(uid) for uid in chapter['uid_ps']] == [1234]
    web = runs_by_name(chapter['record'])[chapter['name']['web']]
    assert web['host_uids'] == [0] and web['image'] == NGINX


def test_networks_are_those_the_engine_reported(chapter):
    runs = runs_by_name(chapter['record'])
    name = chapter['name']
    connected = {}
    for event in chapter['connects']:
        if event.get('Type') == 'network' and event.get('Action') == 'connect':
            connected.setdefault(event['Actor']['Attributes']['container'], set()).add(
                event['Actor']['Attributes']['name'])
    for key in ('curl', 'lonely', 'ipa', 'ipa2', 'exit28', 'web', 'uid'):
        run = runs[name[key]]
        assert set(run['networks']) == connected[run['id']], key
    assert list(runs[name['lonely']]['networks']) == [name['net']]
    (network,) = [n for n in chapter['record']['networks'] if n['name'] == name['net']]
    assert network['subnets'] == [c['Subnet'] for c in chapter['network']['IPAM']['Config']]
    assert (network['driver'], network['id']) == ('bridge', chapter['network']['Id'])
    web = runs[name['web']]['networks']['bridge']
    assert web['ip'] == docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', name['web']).stdout.strip()


def test_every_run_is_recorded_once(chapter):
    ours = [run for run in chapter['record']['runs'] if run['name'].startswith('rec-sys-%s-' % chapter['suffix'])]
    created = [e['Actor']['ID'] for e in chapter['events'] if e.get('Action') == 'create' and
               e['Actor']['Attributes'].get('name', '').startswith('rec-sys-')]
    assert sorted(run['id'] for run in ours) == sorted(created)


def test_the_recorder_costs_little(chapter):
    (rss_before, cpu_before), (rss_after, cpu_after) = chapter['before'], chapter['after']
    print('recorder: RSS %d KiB -> %d KiB, CPU %.2f s -> %.2f s over the chapter' % (
        rss_before, rss_after, cpu_before, cpu_after))
    assert rss_after < RSS_KIB_MAX and cpu_after - cpu_before < CPU_SECONDS_MAX


def test_a_killed_recorder_catches_up_when_it_starts_again(chapter):
    """Last: it kills the recorder. A container that runs while it is down is recorded at its restart
    (from the engine's recent events); its output is lost with it (--rm), its exit code is not."""
    recorder, name = chapter['recorder'], chapter['name']
    first = recorder.record()
    recorder.kill()
    down = docker('run', '--rm', '--name', name['down'], '--label', 'microlab.test=recorder-' + chapter['suffix'],
                  SHELL, 'sh', '-c', 'exit 3', check=False)
    assert down.returncode == 3
    recorder.start()
    wait_for(lambda: (runs_by_name(recorder.record()).get(name['down']) or {}).get('exit_code') == 3,
             'the run made while the recorder was down')
    again = recorder.record()
    assert again['recorder_started_at'] == first['recorder_started_at']
    ours = ['rec-sys-%s-%s' % (chapter['suffix'], key) for key in ('curl', 'lonely', 'ipa', 'ipa2', 'exit28', 'down')]
    assert [run['name'] for run in again['runs'] if run['name'] in ours] == ours  # oldest first, once each
    assert recorder.kill(signal.SIGTERM) == '' and recorder.process.returncode == 0


def recorders(command):
    """The recorder processes `command run` on this machine, by their command lines."""
    ps = subprocess.run(['ps', '-ww', '-eo', 'args'], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line for line in ps if line == '/usr/bin/python3 -I %s run' % command]


def test_the_role_starts_one_recorder_keeps_it_and_restarts_it_when_the_code_changes(tmp_path):
    """roles/lab_challenge on this machine (no systemd: the supervisor), every path under tmp_path:
    the recorder runs, a second run changes nothing, a changed copy of the code restarts it."""
    command = str(tmp_path / ('rec-role-' + uuid.uuid4().hex[:8]))
    paths = dict(lab_challenge_lib_dir=str(tmp_path / 'lib'), lab_challenge_command=str(tmp_path / 'lab'),
                 lab_challenge_config=str(tmp_path / 'etc' / 'lab.json'), lab_challenge_state_dir=str(tmp_path / 'state'),
                 lab_challenge_recorder_dir=str(tmp_path / 'recorder'), lab_challenge_recorder_command=command,
                 lab_challenge_service_manager='supervised', lab_mode='challenge',
                 lab_images_refs={'shell': SHELL, 'nginx': NGINX, 'curl': CURL})
    playbook = tmp_path / 'play.yml'
    playbook.write_text('- hosts: localhost\n  connection: local\n  gather_facts: false\n  roles:\n'
                        '    - microlab.docker_internals.lab_challenge\n')
    extra = tmp_path / 'vars.json'
    extra.write_text(json.dumps(paths))

    def play():
        done = subprocess.run(['ansible-playbook', '-i', 'localhost,', str(playbook), '-e', '@' + str(extra),
                               '-e', 'ansible_python_interpreter=' + sys.executable],
                              capture_output=True, text=True, timeout=600, check=False,
                              env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
        assert done.returncode == 0, done.stdout[-3000:]
        return done.stdout

    def supervisor_pid():
        done = subprocess.run([command, 'status'], capture_output=True, text=True, check=False)
        return done.returncode, (done.stdout.split('pid ')[1].split(',')[0] if done.returncode == 0 else None)

    try:
        play()
        code, first = supervisor_pid()
        assert code == 0
        # The supervisor starts the recorder once its own Python has started, which on a busy machine can be
        # after the play ends: wait for it, then it must be the only one.
        wait_for(lambda: recorders(command), 'the supervisor to start the recorder')
        time.sleep(1)
        assert len(recorders(command)) == 1, recorders(command)
        wait_for(lambda: lab_recorder.load_runs(paths['lab_challenge_recorder_dir'] + '/runs.json').get('error') is None,
                 'the role\'s recorder to write its record')
        assert json.loads((tmp_path / 'etc' / 'lab.json').read_text())['runs'] == (
            paths['lab_challenge_recorder_dir'] + '/runs.json')
        assert 'changed=0' in play().rsplit('PLAY RECAP', 1)[1]
        assert supervisor_pid() == (0, first)
        copied = tmp_path / 'lib/ansible_collections/microlab/docker_internals/plugins/module_utils/lab_recorder.py'
        copied.write_text(copied.read_text() + '\n# changed\n')
        assert 'Restart the lab recorder under the supervisor' in play()
        code, second = supervisor_pid()
        assert code == 0 and second != first
    finally:
        subprocess.run([command, 'stop'], capture_output=True, check=False, timeout=60)
        for suffix in ('', '.1'):
            if os.path.exists('/var/log/%s.log%s' % (os.path.basename(command), suffix)):
                os.unlink('/var/log/%s.log%s' % (os.path.basename(command), suffix))
