# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab_engine_facts on this machine, against dpkg-query, stat, /etc/os-release and the docker CLI.

What docker_host and lab_images skip on a ready VM depends on this answer: each part is compared with
ground truth read without the collection's code, and a part that is not as wanted must make ready false.
"""

from __future__ import annotations

import os
import subprocess

from conftest import SHELL_IMAGE, docker


def dpkg_installed(package):
    proc = subprocess.run(['dpkg-query', '-W', '-f', '${db:Status-Status}', package], capture_output=True, text=True,
                          check=False)
    return proc.returncode == 0 and proc.stdout.strip() == 'installed'


def test_engine_packages_os_and_images_match_ground_truth(run_module):
    result = run_module('lab_engine_facts', {'packages': ['docker.io', 'iptables', 'microlab-no-such-package'],
                                             'binaries': ['/usr/bin/docker', '/usr/bin/microlab-no-such-program'],
                                             'images': [SHELL_IMAGE, 'microlab.local/no-such-image:1']})
    assert result['changed'] is False, result
    expected_missing = [p for p in ('docker.io', 'iptables') if not dpkg_installed(p)] + ['microlab-no-such-package']
    assert result['packages_missing'] == expected_missing
    assert result['binaries_missing'] == ['/usr/bin/microlab-no-such-program']
    assert result['ready'] is False, 'a missing package and program must make the VM not ready'
    os_release = dict(line.split('=', 1) for line in open('/etc/os-release').read().splitlines() if '=' in line)
    assert result['os']['distribution_release'] == os_release['VERSION_CODENAME'].strip('"')
    assert result['os']['architecture'] == os.uname().machine
    assert result['os']['manager'] == ('systemd' if os.path.isdir('/run/systemd/system') else 'supervised')
    assert result['engine']['answers'] is True
    assert result['engine']['version'] == docker('version', '--format', '{{.Server.Version}}')
    assert result['engine']['driver'] == docker('info', '--format', '{{.Driver}}')
    assert [image['Id'] for image in result['images']] == [docker('image', 'inspect', '--format', '{{.Id}}', SHELL_IMAGE)]


def test_files_as_written_make_ready_and_any_difference_does_not(run_module, tmp_path):
    os.chmod(str(tmp_path), 0o755)
    written = tmp_path / 'daemon.json'
    written.write_text('{}\n')
    os.chmod(str(written), 0o644)
    link = tmp_path / 'link.json'
    link.symlink_to(written)
    wanted = [{'path': str(written), 'content': '{}\n', 'mode': '0644'},
              {'path': str(tmp_path), 'state': 'directory', 'mode': '0755'},
              {'path': str(tmp_path / 'absent.json'), 'state': 'absent'}]
    same = run_module('lab_engine_facts', {'files': wanted, 'engine': False})
    assert same['files_differ'] == [] and same['ready'] is True, same
    other = run_module('lab_engine_facts', {'files': wanted + [
        {'path': str(written), 'content': '{"debug": true}\n', 'mode': '0644'},
        {'path': str(written), 'content': '{}\n', 'mode': '0600'},
        {'path': str(link), 'content': '{}\n', 'mode': '0644'},
        {'path': str(tmp_path / 'absent.json'), 'content': ''}], 'engine': False})
    assert other['files_differ'] == [str(written), str(written), str(link), str(tmp_path / 'absent.json')], other
    assert other['ready'] is False


def test_supervised_files_count_only_under_the_supervisor(run_module, tmp_path):
    missing = {'path': str(tmp_path / 'microlab-dockerd'), 'mode': '0755'}
    forced_systemd = run_module('lab_engine_facts', {'supervised_files': [missing], 'service_manager': 'systemd',
                                                     'unit': 'microlab-no-such.service', 'engine': False})
    assert forced_systemd['files_differ'] == [] and forced_systemd['unit_disabled'] is True, forced_systemd
    supervised = run_module('lab_engine_facts', {'supervised_files': [missing], 'service_manager': 'supervised',
                                                 'engine': False})
    assert supervised['files_differ'] == [missing['path']] and supervised['ready'] is False, supervised


def test_docker_group_members(run_module):
    members = subprocess.run(['getent', 'group', 'docker'], capture_output=True, text=True,
                             check=False).stdout.strip().split(':')[-1]
    listed = [name for name in members.split(',') if name]
    result = run_module('lab_engine_facts', {'users': listed + ['microlab-no-such-account'], 'engine': False})
    assert result['users_missing'] == ['microlab-no-such-account'], result
