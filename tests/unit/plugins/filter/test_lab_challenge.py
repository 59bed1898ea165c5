# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_challenge import lab_challenge_settings
from ansible_collections.microlab.docker_internals.plugins.module_utils import input_rules, lab_steps

INPUT = {'language': 'en', 'uid': 2000, 'timeout': 3, 'http_timeout': 5, 'server': 'web_server', 'network': 'lonely_curl',
         'root_container': 'lab_user_root', 'uid_container': 'lab_user_2000', 'bridge_client': 'curl_bridge',
         'lonely_client': 'curl_lonely', 'state_dir': '/var/lib/microlab',
         'recorder_dir': '/var/lib/microlab-recorder'}
IMAGES = {'shell': 'debian:12', 'nginx': 'nginx:1', 'curl': 'curl:8', 'nettools': 'netshoot'}
FOUND = [{'Id': 'sha256:5e11', 'RepoTags': ['debian:12']}, {'Id': 'sha256:a9', 'RepoTags': ['nginx:1', 'nginx:latest']},
         {'Id': 'sha256:c0c0', 'RepoTags': [], 'RepoDigests': ['curl:8']}]


def test_settings_are_what_lab_steps_reads():
    settings = lab_challenge_settings(INPUT, IMAGES, FOUND)
    assert settings['images'] == {'shell': 'debian:12', 'nginx': 'nginx:1', 'curl': 'curl:8'}
    assert settings['image_ids'] == {'shell': 'sha256:5e11', 'nginx': 'sha256:a9', 'curl': 'sha256:c0c0'}
    assert settings['progress'] == '/var/lib/microlab/progress.json'
    assert settings['runs'] == '/var/lib/microlab-recorder/runs.json'
    assert set(settings) <= set(lab_steps.DEFAULT_CONFIG)
    assert set(settings['names']) == set(lab_steps.DEFAULT_CONFIG['names'])
    assert lab_steps.make_config(settings)['uid'] == 2000


def test_settings_need_the_three_images():
    with pytest.raises(AnsibleFilterError, match='no image for curl'):
        lab_challenge_settings(INPUT, {'shell': 'a', 'nginx': 'b'}, FOUND)


def test_settings_need_each_images_id():
    with pytest.raises(AnsibleFilterError, match='the curl image curl:8 is not on the VM'):
        lab_challenge_settings(INPUT, IMAGES, FOUND[:2])


@pytest.mark.parametrize('value, ok', [('/usr/local/bin/lab', True), ('relative/lab', False), ('', False),
                                       ("['not', 'a path']", False), ('/with space', False)])
def test_paths_must_be_absolute(value, ok):
    assert (input_rules.check(input_rules.abs_path('lab_challenge_command', '/usr/local/bin/lab'), {'lab_challenge_command': value}) == []) == ok
