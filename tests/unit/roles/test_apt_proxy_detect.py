# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""roles/docker_host/files/apt-proxy-detect: the class's apt cache while it answers, DIRECT otherwise.

Tested against a real listening socket and a port nothing listens on, and run as apt runs it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import os
import socket
import subprocess
import sys
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
SCRIPT = os.path.join(ROOT, 'roles', 'docker_host', 'files', 'apt-proxy-detect')


def load():
    loader = importlib.machinery.SourceFileLoader('apt_proxy_detect', SCRIPT)
    spec = importlib.util.spec_from_loader('apt_proxy_detect', loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


detect = load()


@pytest.fixture
def listening():
    """A port on 127.0.0.1 that accepts connections."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(('127.0.0.1', 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def write(tmp_path, text):
    path = tmp_path / 'apt-proxy.url'
    path.write_text(text)
    return str(path)


def run(proxy_file):
    out = io.StringIO()
    assert detect.main(proxy_file=proxy_file, out=out) == 0
    return out.getvalue()


def test_a_cache_that_answers_is_the_proxy(tmp_path, listening):
    proxy = 'http://127.0.0.1:%d' % listening
    assert run(write(tmp_path, '# the class cache\n\n%s\n' % proxy)) == proxy + '\n'


def test_a_cache_that_does_not_answer_is_direct(tmp_path, closed):
    assert run(write(tmp_path, 'http://127.0.0.1:%d\n' % closed)) == 'DIRECT\n'


def test_an_unreachable_address_is_direct_within_the_timeout():
    # 192.0.2.0/24 (TEST-NET-1) is never routed: the connection times out or is refused at once.
    started = time.monotonic()
    assert detect.choose('http://192.0.2.1:3142', timeout=0.5) == 'DIRECT'
    assert time.monotonic() - started < 2


@pytest.mark.parametrize('text', ['', '# only a comment\n', 'https://127.0.0.1:3142\n', 'ftp://h/\n',
                                  'http://\n', 'http://h:99999\n', 'not a url\n'])
def test_no_usable_proxy_is_direct(tmp_path, text):
    assert run(write(tmp_path, text)) == 'DIRECT\n'


def test_a_missing_file_is_direct(tmp_path):
    assert run(str(tmp_path / 'missing.url')) == 'DIRECT\n'


@pytest.mark.parametrize('proxy, expected', [
    ('http://192.0.2.10:3142', ('192.0.2.10', 3142)),
    ('http://cache.lan/', ('cache.lan', 80)),
    ('http://[2001:db8::1]:3142/', ('2001:db8::1', 3142)),
    ('https://cache.lan:3142', None),
])
def test_address_of_the_proxy(proxy, expected):
    assert detect.address(proxy) == expected


def test_run_as_apt_runs_it(tmp_path, listening, closed):
    """The script file itself, with the URI apt passes, reading apt-proxy.url next to it."""
    script = tmp_path / 'apt-proxy-detect'
    script.write_bytes(open(SCRIPT, 'rb').read())
    for port, expected in ((listening, 'http://127.0.0.1:%d' % listening), (closed, 'DIRECT')):
        write(tmp_path, 'http://127.0.0.1:%d\n' % port)
        done = subprocess.run([sys.executable, str(script), 'http://deb.debian.org/debian/dists/bookworm/InRelease'],
                              capture_output=True, text=True, timeout=10, check=True)
        assert done.stdout == expected + '\n' and done.stderr == ''
