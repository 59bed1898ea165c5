# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for the fact modules' system tests: run as root against the real engine and kernel."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCKER_SOCK = '/var/run/docker.sock'
LABEL = 'microlab.test=factmods'
SHELL_IMAGE = 'microlab.local/lab-shell:bookworm'
NGINX_IMAGE = 'microlab.local/lab-nginx:bookworm'
MODULE_PKG = 'ansible_collections.microlab.docker_internals.plugins.modules.'
SKIPPED = []


def _engine_answers():
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(3)
        sock.connect(DOCKER_SOCK)
        sock.sendall(b'GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n')
        return b' 200 ' in sock.recv(200)
    except OSError:
        return False


def _images_missing():
    missing = []
    for image in (SHELL_IMAGE, NGINX_IMAGE):
        if subprocess.run(['docker', 'image', 'inspect', image], capture_output=True, check=False).returncode:
            missing.append(image)
    return missing


def why_skip():
    """Reason to skip everything, or None."""
    if os.geteuid() != 0:
        return 'system tests of the fact modules need root (run: sudo make test, or as root)'
    for tool in ('docker', 'ss', 'nsenter', 'ip', 'unshare', 'setpriv', 'ps'):
        if not shutil.which(tool):
            return 'system tests need the %r binary for ground truth' % tool
    if not _engine_answers():
        return 'no Docker engine answers on %s (start dockerd)' % DOCKER_SOCK
    missing = _images_missing()
    if missing:
        return 'lab images missing: %s (build them with the lab_images role)' % ', '.join(missing)
    return None


# `make test` (scripts/test.sh) sets MICROLAB_REQUIRE_SYSTEM=1: there a suite that cannot run fails,
# since a skipped suite exits 0 and would count as passed. By hand, pytest skips it with the reason.
REQUIRE_ENV = 'MICROLAB_REQUIRE_SYSTEM'
CANNOT_RUN = {}


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(os.path.abspath(__file__))
    mine = [i for i in items if str(i.fspath) == os.path.join(here, 'test_fact_modules.py')]
    reason = why_skip() if mine else None
    if reason:
        SKIPPED.append(reason)
        for item in mine:
            if os.environ.get(REQUIRE_ENV) == '1':
                CANNOT_RUN[item.nodeid] = reason
            else:
                item.add_marker(pytest.mark.skip(reason='SYSTEM TESTS SKIPPED: ' + reason))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.nodeid in CANNOT_RUN:
        pytest.fail('SYSTEM TESTS CANNOT RUN (%s=1): %s' % (REQUIRE_ENV, CANNOT_RUN[item.nodeid]), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if SKIPPED:
        verdict = 'FAILED' if CANNOT_RUN else 'SKIPPED'
        terminalreporter.section('FACT MODULE SYSTEM TESTS %s: THEY CANNOT RUN HERE' % verdict, sep='!', red=True, bold=True)
        terminalreporter.write_line('!!! ' + SKIPPED[0], red=True, bold=True)


def _copy_readable(src, dest):
    """Copy a tree so that any user can read it: directories 0755, files 0644, whatever the source's modes."""
    shutil.copytree(src, dest, symlinks=False, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
    os.chmod(dest, 0o755)
    for top, dirs, files in os.walk(dest):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755)
        for name in files:
            os.chmod(os.path.join(top, name), 0o644)


@pytest.fixture(scope='session')
def collections_root():
    """A world-readable copy of what the modules import: the collection's plugins and meta, and ansible.

    A copy, not a link to the checkout: the "run as nobody" tests must import the modules from
    a clone in a directory nobody may enter (a clone under /root is mode 0700), and the venv with
    ansible may live there too. The user's own directories keep their permissions.
    """
    import ansible  # pylint: disable=import-outside-toplevel
    root = tempfile.mkdtemp(prefix='factmod-coll-')
    try:
        os.chmod(root, 0o755)
        collection = os.path.join(root, 'ansible_collections', 'microlab', 'docker_internals')
        os.makedirs(collection)
        for path in (os.path.join(root, 'ansible_collections'), os.path.dirname(collection)):
            os.chmod(path, 0o755)
        for part in ('plugins', 'meta'):
            _copy_readable(os.path.join(REPO, part), os.path.join(collection, part))
        shutil.copy(os.path.join(REPO, 'galaxy.yml'), collection)
        os.chmod(os.path.join(collection, 'galaxy.yml'), 0o644)
        _copy_readable(os.path.dirname(ansible.__file__), os.path.join(root, 'ansible'))
        yield root
    finally:
        shutil.rmtree(root)


class ModuleRunner(object):
    """Run a module the way AnsiballZ does: a Python process reading {"ANSIBLE_MODULE_ARGS": ...}."""

    def __init__(self, root):
        self.root = root

    def __call__(self, module, args, as_nobody=False):
        fd, path = tempfile.mkstemp(prefix='factmod-args-', suffix='.json')
        with os.fdopen(fd, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
        os.chmod(path, 0o644)
        python = sys.executable
        cmd = [python, '-m', MODULE_PKG + module, path]
        # The copy in self.root holds both the collection and ansible (see collections_root).
        env = dict(os.environ, PYTHONPATH=self.root)
        if as_nobody:
            # a python the nobody user can execute (a venv under /root is not)
            cmd = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', '/usr/bin/python3'] + cmd[1:]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd='/', timeout=120, check=False)
        finally:
            os.unlink(path)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            raise AssertionError('module printed no JSON (rc %s): %s %s' % (proc.returncode, proc.stdout, proc.stderr))


@pytest.fixture(scope='session')
def run_module(collections_root):
    return ModuleRunner(collections_root)


def docker(*args):
    return subprocess.run(['docker'] + list(args), check=True, capture_output=True, text=True).stdout.strip()


def container_pid(name):
    return int(docker('inspect', '-f', '{{.State.Pid}}', name))


def ss_in(pid, flags='-tuln'):
    """Ground truth: `ss -H` run in the network namespace of pid."""
    return subprocess.run(['nsenter', '-t', str(pid), '-n', 'ss', '-H', flags], check=True, capture_output=True,
                          text=True).stdout


def wait_for(predicate, what, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError('timed out waiting for ' + what)


@pytest.fixture(scope='session')
def containers():
    """nginx, a --user 1234 sleeper, a root sleeper and a created-but-stopped container, all labelled."""
    suffix = uuid.uuid4().hex[:6]
    names = dict((k, 'factmod-test-%s-%s' % (k, suffix)) for k in ('nginx', 'u1234', 'root', 'stopped'))
    common = ['-d', '--label', LABEL]
    try:
        docker('run', '--name', names['nginx'], *common, NGINX_IMAGE)
        docker('run', '--name', names['u1234'], '--user', '1234', *common, SHELL_IMAGE, 'sleep', 'infinity')
        docker('run', '--name', names['root'], *common, SHELL_IMAGE, 'sleep', 'infinity')
        docker('create', '--name', names['stopped'], '--label', LABEL, SHELL_IMAGE, 'sleep', 'infinity')
        pid = container_pid(names['nginx'])
        wait_for(lambda: ':80 ' in ss_in(pid, '-tln'), 'nginx to listen on :80')
        yield names
    finally:
        subprocess.run(['docker', 'rm', '-f'] + list(names.values()), capture_output=True, check=False)


LISTENER = r'''
import socket, subprocess, sys, time
subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
def make(family, kind, addr, port, v6only=None):
    s = socket.socket(family, kind)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(8)
    return s
A4, A6, T, U = socket.AF_INET, socket.AF_INET6, socket.SOCK_STREAM, socket.SOCK_DGRAM
keep = [make(A4, T, '0.0.0.0', 18080), make(A4, T, '127.0.0.1', 18081), make(A6, T, '::', 18082, 1),
        make(A6, T, '::', 18083, 0), make(A6, T, '::1', 18084), make(A6, T, '::ffff:127.0.0.1', 18085, 0),
        make(A4, U, '0.0.0.0', 15353), make(A6, U, '::', 15354, 1), make(A6, U, '::', 15355, 0)]
client = socket.create_connection(('127.0.0.1', 18081))
keep += [client, keep[1].accept()[0]]
print('ready', flush=True)
sys.stdin.read()
'''


class Listener(object):
    """A python process in a new network namespace holding known sockets until stopped."""

    def __init__(self, prefix):
        self.proc = subprocess.Popen(prefix + [sys.executable, '-c', LISTENER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == 'ready', 'listener did not start'
        self.pid = self.proc.pid  # unshare and `ip netns exec` exec the command in place

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(10)


@pytest.fixture
def listener():
    """Listener in an anonymous namespace made with `unshare -n`."""
    proc = Listener(['unshare', '--net'])
    yield proc
    proc.stop()


@pytest.fixture
def named_netns():
    """A namespace made with `ip netns add`, with a listener in it; removed afterwards."""
    name = 'factmod-test-%s' % uuid.uuid4().hex[:6]
    subprocess.run(['ip', 'netns', 'add', name], check=True)
    proc = None
    try:
        proc = Listener(['ip', 'netns', 'exec', name])
        yield name, proc
    finally:
        if proc:
            proc.stop()
        subprocess.run(['ip', 'netns', 'del', name], check=True)
