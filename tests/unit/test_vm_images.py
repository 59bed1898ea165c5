# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""molecule/resources/vm_images.yml builds ahead what the scenarios' create.yml would build.

make test runs it beside its first steps; a suite it missed would still be built, later and on
the critical path, by the scenario's create.yml. The suites a scenario uses are its platforms'
`suite` keys, bookworm where a platform names none (molecule/resources/vars/vm.yml).
"""

from __future__ import annotations

import glob
import os

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def scenario_suites():
    suites = set()
    for path in glob.glob(os.path.join(REPO, 'molecule', '*', 'molecule.yml')):
        with open(path, encoding='utf-8') as handle:
            suites.update(p.get('suite', 'bookworm') for p in yaml.safe_load(handle)['platforms'])
    return suites


def built_ahead():
    with open(os.path.join(REPO, 'molecule', 'resources', 'vm_images.yml'), encoding='utf-8') as handle:
        play = yaml.safe_load(handle)[0]
    return play['tasks'][0]['loop']


def test_every_suite_of_every_scenario_is_built_ahead():
    assert scenario_suites() == {'bookworm', 'trixie', 'forky'}
    assert sorted(built_ahead()) == sorted(scenario_suites())


def test_bookworm_first_the_first_vm_of_the_reliability_suite_needs_it():
    assert built_ahead()[0] == 'bookworm'


def test_make_test_builds_them_in_its_second_lane():
    with open(os.path.join(REPO, 'scripts', 'test.sh'), encoding='utf-8') as handle:
        script = handle.read()
    lane = script[script.index('lane="$(mktemp -d)"'):script.index('lane_pid=$!')]
    assert '\n    step vm-images ansible-playbook molecule/resources/vm_images.yml\n' in lane
