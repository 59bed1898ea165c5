# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""engine_state: what lab_engine_facts compares, from recorded /etc/os-release, dpkg-query and stat results."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import engine_state

BOOKWORM = '''PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
'''
FORKY = 'PRETTY_NAME="Debian GNU/Linux forky/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=forky\nID=debian\n'
NOBLE = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n'


@pytest.mark.parametrize('text, expected', [
    (BOOKWORM, ('Debian', 'bookworm', '12')),
    (FORKY, ('Debian', 'forky', '')),
    (NOBLE, ('Ubuntu', 'noble', '24.04')),
    ('ID=fedora\nVERSION_ID=41\n', ('Fedora', '', '41')),
    ('', ('', '', '')),
])
def test_os_release_names_the_distribution_as_setup_does(text, expected):
    found = engine_state.os_release(text, 'x86_64')
    assert (found['distribution'], found['distribution_release'], found['distribution_version']) == expected
    assert found['architecture'] == 'x86_64'


def test_missing_packages_keeps_only_installed_ones():
    # dpkg-query -W prints every package asked for that it knows; unknown ones only on stderr.
    output = 'docker.io\tinstalled\niptables\tconfig-files\npython3-requests:amd64\tinstalled\n'
    assert engine_state.missing_packages(output, ['docker.io', 'iptables', 'python3-requests', 'curl']) == [
        'iptables', 'curl']
    assert engine_state.missing_packages('', ['docker.io']) == ['docker.io']


class Found(object):
    """An os.lstat() result."""

    def __init__(self, mode, uid=0, gid=0):
        self.st_mode, self.st_uid, self.st_gid = mode, uid, gid


FILE_0644 = Found(stat.S_IFREG | 0o644)
WANTED = {'path': '/etc/docker/daemon.json', 'state': 'file', 'content': '{}\n', 'mode': '0644'}


@pytest.mark.parametrize('wanted, found, content, differs', [
    (WANTED, FILE_0644, b'{}\n', False),
    (WANTED, FILE_0644, b'{}', True),
    (WANTED, None, None, True),
    (WANTED, Found(stat.S_IFREG | 0o666), b'{}\n', True),
    (WANTED, Found(stat.S_IFREG | 0o644, uid=1000), b'{}\n', True),
    (WANTED, Found(stat.S_IFLNK | 0o777), None, True),
    (dict(WANTED, content=None), FILE_0644, None, False),
    ({'path': '/etc/docker', 'state': 'directory', 'mode': '0755'}, Found(stat.S_IFDIR | 0o755), None, False),
    ({'path': '/etc/docker', 'state': 'directory', 'mode': '0755'}, FILE_0644, None, True),
    ({'path': '/etc/docker', 'state': 'directory', 'mode': '0755'}, Found(stat.S_IFREG | 0o755), None, True),
    ({'path': '/usr/local/sbin/x', 'mode': '0777'}, Found(stat.S_IFLNK | 0o777), None, True),
    ({'path': '/etc/docker/daemon.json', 'state': 'absent'}, None, None, False),
    ({'path': '/etc/docker/daemon.json', 'state': 'absent'}, FILE_0644, None, True),
], ids=['same', 'other content', 'missing', 'other mode', 'other owner', 'symlink', 'content not compared',
        'directory', 'file for directory', 'file with the mode for directory', 'symlink with the mode', 'absent', 'present for absent'])
def test_file_differs(wanted, found, content, differs):
    assert engine_state.file_differs(wanted, found, content) is differs


def test_file_differs_on_a_real_file(tmp_path):
    path = tmp_path / 'daemon.json'
    path.write_text('{}\n')
    os.chmod(str(path), 0o644)
    found = os.lstat(str(path))
    wanted = dict(WANTED, path=str(path))
    # Owned by root only when the tests run as root, as make test runs them.
    assert engine_state.file_differs(wanted, found, path.read_bytes()) is (os.geteuid() != 0)


def test_group_members():
    text = 'root:x:0:\ndocker:x:998:alice,bob\ndockremap:x:999:\n'
    assert engine_state.group_members(text, 'docker') == {'alice', 'bob'}
    assert engine_state.group_members(text, 'dockremap') == set()
    assert engine_state.group_members(text, 'wheel') == set()


def test_images_named_matches_references_as_the_engine_lists_them():
    images = [
        {'Id': 'sha256:1', 'RepoTags': ['debian:12.12-slim'], 'RepoDigests': ['debian@sha256:aa']},
        {'Id': 'sha256:2', 'RepoTags': ['curlimages/curl:8.17.0'], 'RepoDigests': None},
        {'Id': 'sha256:3', 'RepoTags': ['microlab.local/lab-shell:bookworm']},
        {'Id': 'sha256:4', 'RepoTags': ['other:1']},
        {'Id': 'sha256:5', 'RepoTags': None},
    ]
    found = engine_state.images_named(images, ['docker.io/library/debian:12.12-slim', 'docker.io/curlimages/curl:8.17.0',
                                               'microlab.local/lab-shell:bookworm'])
    assert [image['Id'] for image in found] == ['sha256:1', 'sha256:2', 'sha256:3']
    assert found[1]['RepoDigests'] == []
    assert engine_state.images_named(images, []) == []
