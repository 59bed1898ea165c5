# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the docs' commands run (the contexts of commands.yml): the checkout, a fresh copy, VMs.

The two VMs (ana and bruno) are Docker-in-Docker VMs reached over SSH, made by
molecule/resources/create.yml as the reliability suite and Molecule make theirs
(tests/reliability/vm_lab.py). They are made only when a `vm` or `roster` command runs,
and removed at the end of the session (MICROLAB_DOCS_KEEP_VM=1 keeps them and the work
directory for the next run: for working on the suite, never in CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'reliability'))

import vm_lab  # noqa: E402  pylint: disable=wrong-import-position

REPO = vm_lab.REPO
COLLECTION_LINK = '.ansible/collections/ansible_collections/microlab/docker_internals'  # as the Makefile makes it
WORK = os.environ.get('MICROLAB_DOCS_WORK', '/tmp/dt-docs-work')
VM_PREFIX = 'dt-docs-'
STUDENTS = ('ana', 'bruno')
VMS = [VM_PREFIX + student for student in STUDENTS]
KEEP = os.environ.get('MICROLAB_DOCS_KEEP_VM') == '1'
CONTEXTS = ('local', 'copy', 'vm', 'roster', 'excluded')


class Entry(object):
    """One entry of commands.yml."""

    def __init__(self, data):
        self.text = data['command']
        self.context = data['context']
        self.reason = data.get('reason', '')
        self.expect = data.get('expect', 'passes')
        self.output = data.get('output')
        self.xfail_until = data.get('xfail_until')
        self.data = data

    def __repr__(self):
        return self.text


def load_table():
    with open(os.path.join(HERE, 'commands.yml'), encoding='utf-8') as handle:
        return [Entry(data) for data in yaml.safe_load(handle)]


class Outcome(object):
    def __init__(self, command, cwd, rc, output):
        self.command = command
        self.cwd = cwd
        self.rc = rc
        self.output = output
        self.play = vm_lab.PlayResult(rc, output)


class DocsEnv(object):
    """The checkout, the fresh copy (made once) and the VMs (made when first needed)."""

    def __init__(self, work):
        self.work = work
        self.copy = os.path.join(work, 'copy')
        self.home = os.path.join(work, 'home')
        self.molecule = os.path.join(work, 'molecule')
        self.vms_ready = False  # made (or found, with KEEP) by this session
        self.instances = None

    # --- the fresh copy -------------------------------------------------------
    def make_copy(self):
        """The checkout's files as git sees them (tracked and new, not ignored), and .venv linked."""
        shutil.rmtree(self.copy, ignore_errors=True)
        os.makedirs(self.copy)
        os.makedirs(self.home, exist_ok=True)
        files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                               cwd=REPO, capture_output=True, check=True).stdout
        existing = b'\0'.join(f for f in files.split(b'\0') if f and os.path.lexists(os.path.join(REPO, f.decode())))
        pack = subprocess.run(['tar', '--null', '-T', '-', '-cf', '-'], input=existing, cwd=REPO,
                              capture_output=True, check=True)
        subprocess.run(['tar', '-C', self.copy, '-xf', '-'], input=pack.stdout, check=True)
        os.symlink(os.path.join(REPO, '.venv'), os.path.join(self.copy, '.venv'))
        # The copy's own collection link, as `make venv` leaves it (the Makefile's COLLECTION_LINK).
        link = os.path.join(self.copy, COLLECTION_LINK)
        os.makedirs(os.path.dirname(link))
        os.symlink('../../../..', link)

    # --- the VMs ----------------------------------------------------------------
    def ensure_vms(self):
        if self.vms_ready:
            return
        os.makedirs(self.molecule, exist_ok=True)
        config = os.path.join(self.molecule, 'instance_config.yml')
        reuse = KEEP and os.path.exists(config) and all(
            vm_lab.run(['docker', 'inspect', vm], check=False).returncode == 0 for vm in VMS)
        if not reuse:
            destroy_vms()
            platforms = os.path.join(self.molecule, 'molecule.yml')
            with open(platforms, 'w', encoding='utf-8') as handle:
                json.dump({'platforms': [{'name': vm, 'groups': ['lab_vms'], 'connection': 'ssh', 'student': s}
                                         for vm, s in zip(VMS, STUDENTS)]}, handle)
            env = dict(self.env(REPO), MOLECULE_FILE=platforms, MOLECULE_INSTANCE_CONFIG=config,
                       MOLECULE_EPHEMERAL_DIRECTORY=self.molecule)
            proc = vm_lab.run(['ansible-playbook', 'molecule/resources/create.yml'], cwd=REPO, env=env,
                              check=False, timeout=900)
            assert proc.returncode == 0, 'creating the VMs failed:\n%s%s' % (proc.stdout[-6000:], proc.stderr)
        with open(config, encoding='utf-8') as handle:
            self.instances = dict((i['instance'], i) for i in yaml.safe_load(handle))
        self.write_inventories()
        self.vms_ready = True

    def write_inventories(self):
        """class.csv (both VMs) and inventory.yml (ana's VM) in the copy: the files the docs name."""
        columns = ['student', 'host', 'user', 'port', 'ansible_ssh_private_key_file']
        rows = [','.join(columns)]
        for vm, student in zip(VMS, STUDENTS):
            i = self.instances[vm]
            rows.append(','.join([student, i['address'], i['user'], str(i['port']), i['identity_file']]))
        with open(os.path.join(self.copy, 'class.csv'), 'w', encoding='utf-8') as handle:
            handle.write('\n'.join(rows) + '\n')
        ana = self.instances[VMS[0]]
        inventory = {'lab_vms': {'hosts': {VMS[0]: {
            'ansible_host': ana['address'], 'ansible_user': ana['user'], 'ansible_port': ana['port'],
            'ansible_ssh_private_key_file': ana['identity_file'], 'student': STUDENTS[0],
            # No registry answers here: the VM's images come from the class archive.
            'lab_images_source': 'archive', 'lab_language': 'en'}}}}
        with open(os.path.join(self.copy, 'inventory.yml'), 'w', encoding='utf-8') as handle:
            yaml.safe_dump(inventory, handle, default_flow_style=False)

    # --- running a command --------------------------------------------------------
    def env(self, cwd, inventory=None):
        env = dict(os.environ, PWD=cwd, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0')
        env['PATH'] = os.path.join(REPO, '.venv', 'bin') + os.pathsep + env.get('PATH', '')
        if cwd != REPO:
            # The copy stands alone: its own HOME (~/.ansible, the images archive under
            # ~/.cache) and no PYTHONPATH into the checkout's collection link.
            env['HOME'] = self.home
            env.pop('PYTHONPATH', None)
        # A class's VMs would be in known_hosts; these are new each run.
        env['ANSIBLE_HOST_KEY_CHECKING'] = 'false'
        env['ANSIBLE_SSH_EXTRA_ARGS'] = '-o UserKnownHostsFile=/dev/null'
        if inventory:
            env['ANSIBLE_INVENTORY'] = inventory
        return env

    def run(self, entry, timeout=900):
        """Run one entry's command as written, with bash, in its context."""
        if entry.context == 'local':
            cwd, inventory = REPO, None
        else:
            cwd, inventory = self.copy, None
            if entry.context in ('vm', 'roster'):
                self.ensure_vms()
            if entry.context == 'vm':
                inventory = os.path.join(self.copy, 'inventory.yml')
        proc = subprocess.run(['bash', '-c', entry.text], cwd=cwd, env=self.env(cwd, inventory),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
                              check=False)
        return Outcome(entry.text, cwd, proc.returncode, proc.stdout)


def destroy_vms():
    for vm in VMS:
        vm_lab.run(['docker', 'rm', '--force', '--volumes', vm], check=False)


def session_env():
    """The fixture's body: the work directory and the copy made, everything removed afterwards.

    The VMs are touched only by a session that needs them (ensure_vms), so a run of local
    commands alone (`-k`) never removes another run's VMs.
    """
    if not KEEP:
        shutil.rmtree(WORK, ignore_errors=True)
    env = DocsEnv(WORK)
    os.makedirs(WORK, exist_ok=True)
    env.make_copy()
    try:
        yield env
    finally:
        if not KEEP:
            if env.vms_ready:
                destroy_vms()
            shutil.rmtree(WORK, ignore_errors=True)
