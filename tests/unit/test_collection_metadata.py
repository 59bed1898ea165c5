# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection claims only the versions it is tested with."""

from __future__ import annotations

import os
import re

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from ansible.release import __version__ as core_version

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def load(path):
    with open(os.path.join(REPO, path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def docker_specs():
    """community.docker's version range in galaxy.yml and in requirements.yml."""
    galaxy = load('galaxy.yml')['dependencies']['community.docker']
    requirements = [c['version'] for c in load('requirements.yml')['collections'] if c['name'] == 'community.docker']
    return [galaxy] + requirements


@pytest.mark.parametrize('version, admitted', [
    (core_version, True),
    ('2.19.0', True),
    ('2.16.0', False),
    ('2.18.9', False),
    ('2.20.0', False),
])
def test_requires_ansible_is_the_tested_core(version, admitted):
    assert (version in SpecifierSet(load('meta/runtime.yml')['requires_ansible'])) is admitted


@pytest.mark.parametrize('version, admitted', [
    ('4.8.5', True),
    ('4.9.0', True),
    ('4.0.0', False),
    ('5.0.0', False),
])
def test_community_docker_is_the_tested_major(version, admitted):
    specs = docker_specs()
    assert len(specs) == 2 and specs[0] == specs[1]
    assert (version in SpecifierSet(specs[0])) is admitted


def test_the_pinned_ansible_bundles_an_admitted_community_docker():
    from ansible_collections.community import docker  # the copy the `ansible` package ships
    manifest = os.path.join(list(docker.__path__)[0], 'MANIFEST.json')
    with open(manifest, encoding='utf-8') as handle:
        bundled = yaml.safe_load(handle)['collection_info']['version']
    assert bundled in SpecifierSet(docker_specs()[0])


def license_references():
    """(file, referenced path) for every 'see LICENSES/...' in a header of the collection's files."""
    found = []
    for top in ('plugins', 'tests', 'roles', 'scripts'):
        for folder, dummy, names in os.walk(os.path.join(REPO, top)):
            for name in names:
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8', errors='replace') as handle:
                    head = handle.read(600)
                found.extend((path, ref.rstrip(' )')) for ref in re.findall(r'see (LICENSES/\S+)', head))
    return found


def test_license_files_the_headers_point_to_exist():
    references = license_references()
    assert references
    missing = sorted({ref for path, ref in references if not os.path.isfile(os.path.join(REPO, ref))})
    assert missing == []


def test_license_of_galaxy_yml_is_the_text_shipped():
    assert load('galaxy.yml')['license'] == ['GPL-3.0-or-later']
    for name in ('COPYING', 'LICENSES/GPL-3.0-or-later.txt'):
        with open(os.path.join(REPO, name), encoding='utf-8') as handle:
            text = handle.read()
        assert 'GNU GENERAL PUBLIC LICENSE' in text and 'Version 3, 29 June 2007' in text
