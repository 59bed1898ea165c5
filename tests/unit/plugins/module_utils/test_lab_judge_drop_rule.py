# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""network_drop_rule: the firewall rule whose counter moved while the lonely client timed out.

The live recording (fixtures/observations/live_all_pass.json) holds two real `iptables-save -c`
snapshots taken around the probes on Docker 20.10; the failure shapes are that recording changed.
"""

from __future__ import annotations

import copy
import json
import os

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, scenarios

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'observations')
SPEC = {'users': {'root_container': 'lab_user_root', 'uid_container': 'lab_user_1234', 'uid': 1234,
                  'userns_remap': False, 'remapped_container': 'lab_user_remapped',
                  'share_dir': '/var/lib/microlab/users'},
        'nginx': {'container': 'web_server', 'port': 80, 'http_timeout': 5},
        'network': {'name': 'lonely_curl', 'server': 'web_server', 'bridge_client': 'curl_bridge',
                    'lonely_client': 'curl_lonely', 'timeout': 2}}


def live():
    with open(os.path.join(HERE, 'live_all_pass.json'), encoding='utf-8') as handle:
        return json.load(handle)


def judged(observation):
    result = scenarios.judge(observation, SPEC)['network_drop_rule']
    return result['status'], result['evidence'][0], dict((lang, catalog.render(lang, result['evidence']))
                                                         for lang in ('es', 'en'))


def test_the_isolation_rule_whose_counter_moved_is_named_with_its_counters_and_command():
    observation = live()
    status, key, said = judged(observation)
    assert (status, key) == ('pass', 'ev.fw_drop')
    for text in said.values():
        assert '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP' in text
        assert 'sudo iptables -t filter -L DOCKER-ISOLATION-STAGE-2 -v -n' in text


def test_no_counter_moved_fails_and_names_docker_s_candidate():
    observation = live()
    observation['firewall']['after'] = copy.deepcopy(observation['firewall']['before'])
    status, key, said = judged(observation)
    assert (status, key) == ('fail', 'ev.fw_no_counter')
    # The first drop on the packet's path: the FORWARD chain's DROP policy on this engine.
    assert '`-P FORWARD DROP`' in said['en'] and 'otro firewall' in said['es']


@pytest.mark.parametrize('change, key', [
    (lambda o: o.pop('firewall'), 'ev.fw_not_read'),
    (lambda o: o['probes']['curl_lonely'].update(rc=7), 'ev.fw_no_timeout'),
    (lambda o: o['probes']['curl_lonely'].update(rc=0, http_code='200'), 'ev.fw_no_timeout'),
])
def test_without_a_firewall_reading_or_a_timeout_no_rule_is_claimed(change, key):
    observation = live()
    change(observation)
    status, found, said = judged(observation)
    assert (status, found) == ('fail', key)
    assert all('curl_lonely' in text for text in said.values()) or key == 'ev.fw_not_read'


def test_unreadable_firewall_fails_with_the_reason():
    observation = live()
    for side in ('before', 'after'):
        observation['firewall'][side] = {'iptables_version': None, 'iptables_backend': None, 'iptables_save': None,
                                         'nft_ruleset': None, 'errors': {'iptables-save': 'permission denied'}}
    status, key, said = judged(observation)
    assert (status, key) == ('fail', 'ev.fw_none')
    assert 'permission denied' in said['en'] and 'permission denied' in said['es']
