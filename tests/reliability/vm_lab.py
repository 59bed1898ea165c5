# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One Docker-in-Docker VM for the whole reliability suite, and helpers to hurt it (fixtures: conftest.py).

The VM is started by molecule/resources/create.yml itself (the same options as
every Molecule scenario), fed the lab's image archive as a class would be, and
converged once. Each fault test leaves the lab converged again; the `converged`
fixture checks that cheaply and runs lab.yml only when a test left a mess.

MICROLAB_REL_KEEP_VM=1 keeps the VM (and its work directory) after the run and
reuses it next time: for working on the suite, never in CI.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VM = 'microlab-rel-vm'
WORK = '/tmp/microlab-rel-work'
KEEP = os.environ.get('MICROLAB_REL_KEEP_VM') == '1'
LAB_IMAGES = ['microlab.local/lab-%s:bookworm' % role for role in ('shell', 'nginx', 'curl', 'nettools')]

# What lab.yml makes with its defaults: containers and networks that carry microlab.lab.scenario.
LAB_CONTAINERS = ['curl_bridge', 'curl_lonely', 'lab_files_other', 'lab_files_owner', 'lab_files_root', 'lab_overlay',
                  'lab_overlay_twin', 'lab_scratch_limited', 'lab_user_1234', 'lab_user_root', 'web_server']
LAB_NETWORKS = ['lonely_curl']
# The named network namespaces the scratch scenario makes with `ip netns add`; any other entry is stray.
LAB_NETNS = ['mlscratch-alone', 'mlscratch-peer']
OUTCOMES = ['users_root_is_uid0', 'users_uid_matches', 'users_file_owner', 'users_pid_namespace',
            'nginx_listens_in_netns', 'nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_own_netns',
            'network_bridge_http_200', 'network_lonely_times_out', 'network_interfaces_differ', 'network_veth_pairs',
            'network_drop_rule', 'files_owner_writes', 'files_other_refused', 'files_root_writes', 'overlay_layers',
            'overlay_written', 'overlay_copied_up', 'overlay_whiteout', 'overlay_shared_lower', 'scratch_rootfs',
            'scratch_pid_one', 'scratch_hostname', 'scratch_network', 'scratch_memory']

RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


def run(cmd, timeout=600, check=True, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=check, **kwargs)


def prerequisites():
    """Why the suite cannot run here, or None. The suite fails (never skips) when it cannot run."""
    if os.geteuid() != 0:
        return 'the reliability suite needs root (it starts Docker-in-Docker VMs)'
    if run(['docker', 'version'], check=False).returncode:
        return 'no Docker engine answers on this machine (run the engine step first)'
    missing = [image for image in LAB_IMAGES if run(['docker', 'image', 'inspect', image], check=False).returncode]
    if missing:
        return 'lab images missing on this machine: %s (run the images step first)' % ', '.join(missing)
    return None


class PlayResult(object):
    """What ansible-playbook did: rc, output, and the recap counters of each host."""

    def __init__(self, rc, output):
        self.rc = rc
        self.output = output
        self.recap = dict((m.group(1), dict(zip(('ok', 'changed', 'unreachable', 'failed'), map(int, m.groups()[1:]))))
                          for m in RECAP.finditer(output))

    @property
    def vm(self):
        assert VM in self.recap, 'no play recap for %s in:\n%s' % (VM, self.output[-6000:])
        return self.recap[VM]

    @property
    def flat(self):
        """The output on one line, for messages that Ansible folds."""
        return ' '.join(self.output.split())

    def changed_tasks(self):
        """Names of the tasks and handlers (without their role) that reported changed on the VM, in order."""
        names = []
        task = None
        for line in self.output.splitlines():
            header = next((h for h in ('TASK [', 'RUNNING HANDLER [') if line.startswith(h)), None)
            if header:
                task = line[len(header):line.rfind(']')].split(' : ', 1)[-1]
            elif line.startswith('changed: [%s' % VM) and task:
                names.append(task)
        return names

    def __repr__(self):
        return 'rc=%s recap=%s\n%s' % (self.rc, self.recap, self.output[-8000:])


class Lab(object):
    """The VM and the controller-side files to drive it."""

    def __init__(self, work):
        self.work = work
        self.inventory = os.path.join(work, 'inventory.yml')
        self.report_dir = os.path.join(work, 'report')
        self.archive_dir = os.path.join(work, 'images')

    # --- on the controller -------------------------------------------------
    def env(self):
        return dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0',
                    ANSIBLE_CALLBACK_RESULT_FORMAT='json')

    def command(self, playbook, *args, **extra_vars):
        cmd = ['ansible-playbook', '-i', self.inventory, playbook, '-e', 'lab_report_dir=' + self.report_dir]
        if extra_vars:
            cmd += ['-e', json.dumps(extra_vars)]
        return cmd + list(args)

    def play(self, playbook, *args, **extra_vars):
        """Run a playbook against the VM and wait for it."""
        proc = run(self.command(playbook, *args, **extra_vars), cwd=REPO, env=self.env(), check=False, timeout=900)
        return PlayResult(proc.returncode, proc.stdout + proc.stderr)

    def start(self, playbook, *args, **extra_vars):
        """Start a playbook in its own process group (as a terminal would run it); see interrupt_when."""
        return subprocess.Popen(self.command(playbook, *args, **extra_vars), cwd=REPO, env=self.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    @staticmethod
    def run_until(proc, pattern, action, timeout=300):
        """Read proc's output until a line matches pattern, call action(), then read it to the end.

        Lines are read by a thread, so that a run that stops writing (hung) still meets the deadline: it is
        then killed and the test fails, saying so.
        """
        lines = queue.Queue()

        def read():
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        seen, fired, hung = [], False, False
        deadline = time.time() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                os.killpg(proc.pid, signal.SIGKILL)
                hung = True
                break
            if line is None:
                break
            seen.append(line)
            if not fired and re.search(pattern, line):
                action()
                fired = True
        rc = proc.wait(60)
        assert fired, 'the run never reached %r:\n%s' % (pattern, ''.join(seen)[-6000:])
        assert not hung, 'the run wrote nothing for %d s after %r and was killed:\n%s' % (
            timeout, pattern, ''.join(seen)[-6000:])
        return PlayResult(rc, ''.join(seen))

    def outcomes(self):
        """This VM's outcomes in the report.json that verify.yml wrote: {id: status}, and the host entry."""
        with open(os.path.join(self.report_dir, 'report.json'), encoding='utf-8') as handle:
            report = json.load(handle)
        host = [h for h in report['hosts'] if h['inventory_hostname'] == VM]
        assert len(host) == 1, report
        return dict((key, value['status']) for key, value in host[0]['outcomes'].items()), host[0]

    # --- inside the VM -----------------------------------------------------
    @staticmethod
    def sh(script, check=True, timeout=120):
        """Run a shell script inside the VM (as root)."""
        proc = run(['docker', 'exec', VM, 'sh', '-c', script], check=False, timeout=timeout)
        if check and proc.returncode:
            raise AssertionError('in the VM: %s\nrc %s\n%s%s' % (script, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def docker(self, *args, check=True):
        proc = run(['docker', 'exec', VM, 'docker'] + list(args), check=False)
        if check and proc.returncode:
            raise AssertionError('docker %s in the VM: %s%s' % (' '.join(args), proc.stdout, proc.stderr))
        return proc.stdout.strip()

    def engine_answers(self):
        return self.sh('docker version --format "{{.Server.Version}}"', check=False).returncode == 0

    def kill_engine(self):
        """A crash: the supervisor, dockerd and containerd die at once, with SIGKILL."""
        self.sh('kill -9 $(cat /run/microlab-dockerd.pid 2>/dev/null) $(pidof dockerd) $(pidof containerd) 2>/dev/null;'
                ' sleep 1; ! pidof dockerd')

    def state(self):
        """The lab's footprint: labelled containers (name: running?), networks by name, /var/run/netns entries."""
        containers = {}
        out = self.docker('ps', '-a', '--filter', 'label=microlab.lab.scenario', '--format', '{{.Names}} {{.State}}')
        names = []
        for line in out.splitlines():
            name, status = line.split()
            names.append(name)
            containers[name] = status
        networks = self.docker('network', 'ls', '--format', '{{.Name}}').split()
        netns = self.sh('ls -A /var/run/netns 2>/dev/null || true').stdout.split()
        return {'container_names': sorted(names), 'containers': containers, 'networks': sorted(networks),
                'netns': netns}

    def assert_converged(self, state=None):
        """Exactly the lab's containers, all running, each once; lonely_curl once; no /var/run/netns entry but the
        scratch scenario's own."""
        state = state or self.state()
        assert state['container_names'] == LAB_CONTAINERS, state
        assert all(status == 'running' for status in state['containers'].values()), state
        assert state['networks'].count('lonely_curl') == 1, state
        assert sorted(state['netns']) == LAB_NETNS, 'stray or missing /var/run/netns entries: %s' % state['netns']


def _platforms_file(work):
    path = os.path.join(work, 'molecule.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        # init false: PID 1 is sleep and reaps nothing, the hardest host for the dockerd supervisor.
        json.dump({'platforms': [{'name': VM, 'groups': ['lab_vms'], 'init': False}]}, handle)
    return path


def _write_inventory(lab):
    inventory = {'lab_vms': {'hosts': {VM: {
        'ansible_connection': 'community.docker.docker',
        'ansible_become': False,
        'ansible_python_interpreter': '/usr/bin/python3',
        'lab_images_source': 'archive',
        'lab_images_archive_dir': lab.archive_dir,
        'lab_language': 'en',
    }}}}
    with open(lab.inventory, 'w', encoding='utf-8') as handle:
        json.dump(inventory, handle, indent=2)


def _create_vm(lab):
    """molecule/resources/create.yml with the environment Molecule would give it."""
    env = dict(lab.env(), MOLECULE_FILE=_platforms_file(lab.work),
               MOLECULE_INSTANCE_CONFIG=os.path.join(lab.work, 'instance_config.yml'),
               MOLECULE_EPHEMERAL_DIRECTORY=lab.work)
    proc = run(['ansible-playbook', 'molecule/resources/create.yml'], cwd=REPO, env=env, check=False, timeout=900)
    assert proc.returncode == 0, 'creating %s failed:\n%s%s' % (VM, proc.stdout[-6000:], proc.stderr)


def destroy_vm():
    run(['docker', 'rm', '--force', '--volumes', VM], check=False)


@pytest.fixture(scope='session')
def lab():
    reason = prerequisites()
    if reason:
        pytest.fail('RELIABILITY SUITE CANNOT RUN: ' + reason, pytrace=False)
    reuse = KEEP and run(['docker', 'inspect', VM], check=False).returncode == 0
    if not reuse:
        destroy_vm()
        shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK, exist_ok=True)
    lab = Lab(WORK)
    _write_inventory(lab)
    try:
        if not reuse:
            _create_vm(lab)
            archive = run(['ansible-playbook', 'playbooks/images_archive.yml', '-e', 'lab_images_source=build',
                           '-e', 'lab_images_archive_dir=' + lab.archive_dir], cwd=REPO, env=lab.env(), check=False)
            assert archive.returncode == 0, archive.stdout[-6000:]
        first = lab.play('lab.yml')
        assert first.rc == 0 and first.vm['failed'] == 0, 'the first converge failed: %r' % first
        yield lab
    finally:
        if not KEEP:
            destroy_vm()
            shutil.rmtree(WORK, ignore_errors=True)


@pytest.fixture
def converged(lab):
    """The lab as lab.yml leaves it, before a fault is made; lab.yml runs only when it is not."""
    try:
        assert lab.engine_answers()
        lab.assert_converged()
    except AssertionError:
        again = lab.play('lab.yml')
        assert again.rc == 0, 'could not bring the lab back before the test: %r' % again
        lab.assert_converged()
    return lab
