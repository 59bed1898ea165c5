# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A VM that hangs does not stall verify.yml: the class report names it and why, within a bound.

Two hung VMs, no engine needed: `he-hung` accepts TCP connections on 127.0.0.1 and never answers
(a frozen machine), `he-stuck` answers (a local connection) but every module after the first
hangs (a stuck module: its Python interpreter sleeps). The bounds are ansible.cfg's SSH settings
and verify.yml's play `timeout` (docs/reliability.md, "Hung VMs").
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

BOUND = 60 + 60  # verify.yml's task timeout, plus Ansible's start and the report play on a busy machine
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUCK_PYTHON = '''#!/bin/sh
# Every module on this host hangs, as a stuck module would (verify's observation is its first).
echo $$ >> "%(dir)s/pids"
exec sleep 3600
'''


def hung_server():
    """A socket that accepts connections and never sends a byte; (port, stop)."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()

    def stop():
        server.close()
        for conn in held:
            conn.close()
    return server.getsockname()[1], stop


def test_hung_vms_are_reported_within_the_bound(tmp_path):
    port, stop = hung_server()
    stuck = tmp_path / 'stuck-python'
    stuck.write_text(STUCK_PYTHON % {'dir': tmp_path})
    stuck.chmod(0o755)
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text(json.dumps({'lab_vms': {'hosts': {
        'he-hung': {'ansible_host': '127.0.0.1', 'ansible_port': port, 'ansible_user': 'root'},
        'he-stuck': {'ansible_connection': 'local', 'ansible_python_interpreter': str(stuck)},
    }}}))
    report = tmp_path / 'report'
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(inventory),
           'playbooks/verify.yml', '-e', 'lab_report_dir=%s' % report]
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_HOST_KEY_CHECKING='false')
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=BOUND + 120, check=False)
    finally:
        elapsed = time.monotonic() - start
        stop()
        if (tmp_path / 'pids').exists():
            for pid in (tmp_path / 'pids').read_text().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
    out = proc.stdout + proc.stderr
    print('verify.yml with two hung VMs took %.1f s' % elapsed)
    assert elapsed < BOUND, '%.1f s\n%s' % (elapsed, out)
    hosts = {vm['inventory_hostname']: vm for vm in json.loads((report / 'report.json').read_text())['hosts']}
    assert hosts['he-hung']['status'] == 'unreachable', hosts
    assert hosts['he-hung']['reason_id'] == 'unreachable', hosts
    assert 'timed out during banner exchange' in hosts['he-hung']['reason'], hosts
    assert hosts['he-stuck']['status'] == 'fail', hosts
    assert hosts['he-stuck']['reason_id'] == 'verify_error', hosts
    assert 'Timed out after 60 second(s)' in hosts['he-stuck']['reason'], hosts
    assert 'Timed out after 60 second(s)' in hosts['he-stuck']['reason'], hosts
