# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the student did, found in the recorded runs (the shapes a live recorder wrote on a DinD VM)."""

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_step_runs
from ansible_collections.microlab.docker_internals.tests.unit.plugins.module_utils.test_lab_steps import (
    SERVER_IP, chapter_runs, ip_a)


def by_name(name):
    return dict((one['name'], one) for one in chapter_runs())[name]


def test_the_labs_runs_and_probes_are_never_the_students():
    runs = chapter_runs()
    runs[0] = dict(runs[0], labels_lab=True)
    runs[1] = dict(runs[1], probe=True)
    assert [r['name'] for r in lab_step_runs.own(runs)] == [r['name'] for r in chapter_runs()[2:]]
    assert lab_step_runs.ran_as(runs, 1234) is None and lab_step_runs.ran_as(runs[:2], 0) is None


@pytest.mark.parametrize('cmd, ok', [
    (['--silent', SERVER_IP], True),
    (['-s', 'http://%s/' % SERVER_IP], True),
    (['-s', 'http://%s:80/index.html' % SERVER_IP], True),
    (['--silent', SERVER_IP + '5'], False),
    (['--silent', '1' + SERVER_IP], False),
    (['--silent', 'example.org'], False),
])
def test_a_curl_targets_web_servers_ip_exactly(cmd, ok):
    assert lab_step_runs.targets(dict(by_name('sad_curie'), cmd=cmd), SERVER_IP) is ok


def test_the_bridge_curl_needs_nginxs_answer_and_exit_code_0():
    runs = [by_name('sad_curie')]
    assert lab_step_runs.bridge_curl(runs, 'bridge', SERVER_IP)['name'] == 'sad_curie'
    verbose = dict(by_name('sad_curie'), output='< HTTP/1.1 200 OK\n< Server: microlab\n')
    assert lab_step_runs.bridge_curl([verbose], 'bridge', SERVER_IP)['name'] == 'sad_curie'
    assert lab_step_runs.bridge_curl([dict(runs[0], exit_code=7)], 'bridge', SERVER_IP) is None
    assert lab_step_runs.bridge_curl([dict(runs[0], output='<h1>It works</h1>')], 'bridge', SERVER_IP) is None
    assert lab_step_runs.bridge_curl(runs, 'lonely_curl', SERVER_IP) is None


def test_the_lonely_curl_needs_exit_code_28_on_that_network_only():
    lonely = by_name('lucid_knuth')
    assert lab_step_runs.lonely_curl([lonely], 'lonely_curl', SERVER_IP) is lonely
    assert lab_step_runs.lonely_curl([dict(lonely, exit_code=7)], 'lonely_curl', SERVER_IP) is None
    both = dict(lonely, networks=dict(lonely['networks'], bridge={'ip': '172.17.0.9', 'prefix': 16, 'gateway': ''}))
    assert lab_step_runs.lonely_curl([both], 'lonely_curl', SERVER_IP) is None


def test_ip_a_shows_an_address_of_the_networks_subnet_even_when_the_recorder_missed_the_ip():
    # A --rm container removed before the recorder inspected it: its attachment has no IP (seen live).
    missed = dict(by_name('calm_noyce'), networks={'lonely_curl': {'ip': '', 'prefix': None, 'gateway': ''}})
    assert lab_step_runs.interfaces_run([missed], 'lonely_curl', ['172.18.0.0/16'])[1:] == (
        '172.18.0.3', '172.18.0.0/16')
    assert lab_step_runs.interfaces_run([missed], 'lonely_curl', ['172.19.0.0/16']) == (None, '', '')
    loopback_only = dict(missed, output='    inet 127.0.0.1/8 scope host lo\n')
    assert lab_step_runs.interfaces_run([loopback_only], 'lonely_curl', ['172.18.0.0/16', 'x']) == (None, '', '')
    assert lab_step_runs.interfaces_run([dict(missed, output=ip_a('172.18.0.3'))], 'bridge',
                                        ['172.18.0.0/16']) == (None, '', '')


def test_the_first_run_as_the_uid_and_the_newest_curl_are_the_evidence():
    older, newer = (dict(by_name('eager_hopper'), name=name) for name in ('older', 'newer'))
    assert lab_step_runs.ran_as([older, newer], 1234)['name'] == 'older'
    older, newer = (dict(by_name('lucid_knuth'), name=name) for name in ('older', 'newer'))
    assert lab_step_runs.lonely_curl([older, newer], 'lonely_curl', SERVER_IP)['name'] == 'newer'
