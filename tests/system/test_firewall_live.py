# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""firewall.py on this machine's real engine: the lonely probe times out and its drop rule is named.

Ground truth comes from `iptables -L CHAIN -v -n -x`, parsed here, not by the module. Other
engineers' containers may be probing at the same time, so counters are compared as brackets:
ground truth before <= module's before < module's after <= ground truth after.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import firewall

LABEL = 'microlab.test=firewall'
NGINX_IMAGE = 'microlab.local/lab-nginx:bookworm'
CURL_IMAGE = 'microlab.local/lab-curl:bookworm'
DOCKER_SOCK = '/var/run/docker.sock'
ISOLATION_CHAIN = 'DOCKER-ISOLATION-STAGE-2'


def run(*argv, check=True):
    return subprocess.run(list(argv), capture_output=True, text=True, check=check)


def _engine_answers():
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(3)
        sock.connect(DOCKER_SOCK)
        sock.sendall(b'GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n')
        return b' 200 ' in sock.recv(200)
    except OSError:
        return False


def why_skip():
    """Reason to skip, or None."""
    if os.geteuid() != 0:
        return 'the live firewall test needs root (iptables-save -c)'
    for tool in ('docker', 'iptables', 'iptables-save'):
        if not shutil.which(tool):
            return 'the live firewall test needs %r' % tool
    if not _engine_answers():
        return 'no Docker engine answers on %s' % DOCKER_SOCK
    for image in (NGINX_IMAGE, CURL_IMAGE):
        if run('docker', 'image', 'inspect', image, check=False).returncode:
            return 'lab image missing: %s (build it with the lab_images role)' % image
    major = int(run('docker', 'version', '-f', '{{.Server.Version}}').stdout.split('.')[0])
    if major >= 28:
        return 'engine %d: this test checks the DOCKER-ISOLATION shape of engines before 28' % major
    return None


pytestmark = pytest.mark.skipif(why_skip() is not None, reason='FIREWALL LIVE TEST SKIPPED: %s' % why_skip())


def isolation_counters():
    """{out_interface: packets} of the DROP rules in DOCKER-ISOLATION-STAGE-2, from `iptables -L -v -n -x`."""
    listing = run('iptables', '-t', 'filter', '-L', ISOLATION_CHAIN, '-v', '-n', '-x').stdout
    counters = {}
    for line in listing.splitlines()[2:]:
        # pkts bytes target prot opt in out source destination
        fields = line.split()
        if len(fields) >= 7 and fields[2] == 'DROP':
            counters[fields[6]] = int(fields[0])
    return counters


@pytest.fixture(scope='module')
def lab():
    """nginx on the default bridge, curl on a lonely user-defined network; all labelled, removed after."""
    suffix = uuid.uuid4().hex[:6]
    names = {'net': 'fw-live-lonely-' + suffix, 'nginx': 'fw-live-nginx-' + suffix, 'curl': 'fw-live-curl-' + suffix}
    try:
        run('docker', 'network', 'create', '--label', LABEL, names['net'])
        run('docker', 'run', '-d', '--name', names['nginx'], '--label', LABEL, '--entrypoint', 'nginx', NGINX_IMAGE,
            '-g', 'daemon off;')
        run('docker', 'run', '-d', '--name', names['curl'], '--label', LABEL, '--network', names['net'],
            '--entrypoint', 'sleep', CURL_IMAGE, 'infinity')
        net_id = run('docker', 'network', 'inspect', '-f', '{{.Id}}', names['net']).stdout.strip()
        address = run('docker', 'inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}',
                      names['nginx']).stdout.strip()
        yield dict(names, bridge='br-' + net_id[:12], address=address)
    finally:
        run('docker', 'rm', '-f', names['nginx'], names['curl'], check=False)
        run('docker', 'network', 'rm', names['net'], check=False)


@pytest.fixture(scope='module')
def probe(lab):
    """Ground truth and module snapshots around one lonely curl."""
    truth_before = isolation_counters()
    before = firewall.snapshot()
    curl = run('docker', 'exec', lab['curl'], 'curl', '-sS', '-m', '2', '-o', '/dev/null',
               'http://%s/' % lab['address'], check=False)
    after = firewall.snapshot()
    truth_after = isolation_counters()
    return {'curl': curl, 'before': before, 'after': after, 'truth_before': truth_before, 'truth_after': truth_after,
            'result': firewall.find_drop(before, after, lab['bridge'], 'docker0', lab['address'])}


def test_the_bridge_exists(lab):
    assert run('ip', '-o', 'link', 'show', lab['bridge']).stdout.split(':')[1].strip() == lab['bridge']


def test_the_lonely_probe_times_out(probe):
    assert probe['curl'].returncode == 28, probe['curl'].stderr


def test_snapshots_read_without_errors(probe):
    assert probe['before']['errors'] == {} and probe['after']['errors'] == {}
    assert probe['after']['iptables_backend'] in ('legacy', 'nf_tables')


def test_find_drop_names_the_isolation_rule_whose_counter_moved(probe):
    drop = probe['result']['drop']
    assert drop is not None, probe['result']
    assert (drop['table'], drop['chain'], drop['rule'], drop['kind']) == (
        'filter', ISOLATION_CHAIN, '-A %s -o docker0 -j DROP' % ISOLATION_CHAIN, 'isolation-stage-2')
    assert drop['command'] == 'iptables -t filter -L %s -v -n' % ISOLATION_CHAIN


def test_counters_agree_with_ground_truth(probe):
    drop = probe['result']['drop']
    assert probe['truth_before']['docker0'] <= drop['packets_before'] < drop['packets_after'] \
        <= probe['truth_after']['docker0']


def test_no_rule_of_the_lonely_bridge_itself_is_matched(probe, lab):
    assert [m['rule'] for m in probe['result']['matched'] if lab['bridge'] in m['rule']] == []


def test_the_command_shown_to_the_student_works(probe):
    argv = probe['result']['drop']['command'].split()
    listing = run(*argv).stdout
    assert listing.startswith('Chain %s' % ISOLATION_CHAIN)
    assert any(line.split()[2:3] == ['DROP'] and 'docker0' in line.split() for line in listing.splitlines()[2:])
