# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab_report role writes report.json and a report.html a browser shows as the class."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVENTORY = os.path.join(REPO, 'tests', 'system', 'fixtures', 'report_inventory.yml')
SCREENSHOT = os.path.join(REPO, 'tests', 'output', 'report.png')
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync']


@pytest.fixture(scope='module')
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp('report')
    playbook = out / 'report.yml'
    playbook.write_text(
        '- hosts: localhost\n  connection: local\n  gather_facts: false\n'
        '  roles: [{role: microlab.docker_internals.lab_report, lab_report_dir: "%s"}]\n' % out)
    result = subprocess.run(['ansible-playbook', '-i', INVENTORY, str(playbook)],
                            cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # The default language, the course's: Spanish.
    assert re.search(r'carla\s+192\.0\.2\.13\s+inalcanzable\s+no se pudo llegar a la VM: ssh: connect', result.stdout), \
        result.stdout
    return out


def test_report_json_follows_the_schema(report_dir):
    report = json.loads((report_dir / 'report.json').read_text())
    assert report['schema_version'] == 2
    assert report['summary'] == {'pass': 1, 'fail': 1, 'unreachable': 1}
    by_student = {vm['student']: vm for vm in report['hosts']}
    assert [vm['status'] for vm in report['hosts']] == ['pass', 'fail', 'unreachable']
    assert report['lang'] == 'es'
    assert (by_student['bruno']['reason_id'], by_student['bruno']['reason']) == (
        'failing', 'no pasan: nginx_listens_in_netns')
    assert by_student['bruno']['outcomes']['nginx_listens_in_netns']['status'] == 'fail'
    assert by_student['carla']['outcomes'] == {}


def test_report_html_shows_the_class_in_a_browser(report_dir):
    chromium = shutil.which('chromium')
    assert chromium, 'Debian chromium is not installed: `apt-get install chromium` (scripts/test.sh does)'
    page = 'file://%s' % (report_dir / 'report.html')
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, '--user-data-dir=%s' % (report_dir / 'profile'),
                          '--dump-dom', page], capture_output=True, text=True, check=True, timeout=120).stdout
    rows = re.findall(r'<tr class="host" data-student="(\w+)" data-status="(\w+)"', dom)
    assert rows == [('ana', 'pass'), ('bruno', 'fail'), ('carla', 'unreachable')]
    assert '&lt;nginx killed&gt;' in dom, 'evidence must be HTML-escaped'
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    subprocess.run([chromium, *CHROMIUM_FLAGS, '--user-data-dir=%s' % (report_dir / 'profile'),
                    '--window-size=900,420', '--screenshot=%s' % SCREENSHOT, page],
                   capture_output=True, check=True, timeout=120)
    assert os.path.getsize(SCREENSHOT) > 5000
