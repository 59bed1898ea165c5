# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""class_terminal: the browser terminal's SSH servers and its known_hosts (the allow-list)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.filter.lab_class_services import FilterModule
from ansible_collections.microlab.docker_internals.plugins.module_utils import class_terminal
from ansible_collections.microlab.docker_internals.plugins.module_utils.class_services import ClassServicesError

# Real keys (ssh-keygen), as ssh-keyscan prints them.
ED25519 = 'AAAAC3NzaC1lZDI1NTE5AAAAIHdCS4iveSoFkHvjKErGtRl8/0tFouNegpJw5IV5oCA7'
ECDSA = ('AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDE2pGfT6uAsbNtIFAagMIwTcoRBhjbBZxanjB2LUABbgBU0Ebdg'
         'Gk6uPPW1hlyjNnAXSZGT8YVdISg5L8YrFiI=')
ANA = {'host': '192.0.2.11', 'port': 22, 'entry': '192.0.2.11'}
BRUNO = {'host': '192.0.2.12', 'port': 2222, 'entry': '[192.0.2.12]:2222'}


@pytest.mark.parametrize('given, expected', [
    (['192.0.2.11'], [ANA]),
    (['192.0.2.12:2222', '192.0.2.11', '192.0.2.11:22'], [ANA, BRUNO]),
    (['[2001:DB8::5]:2200', '2001:db8::6'], [{'host': '2001:db8::5', 'port': 2200, 'entry': '[2001:db8::5]:2200'},
                                             {'host': '2001:db8::6', 'port': 22, 'entry': '2001:db8::6'}]),
    (['VM1.Class.example'], [{'host': 'vm1.class.example', 'port': 22, 'entry': 'vm1.class.example'}]),
])
def test_targets_given(given, expected):
    assert class_terminal.terminal_targets(given) == expected


def test_targets_from_the_inventory_when_none_given():
    vms = [{'inventory_hostname': 'bruno', 'ansible_host': '192.0.2.12', 'ansible_port': 2222},
           {'inventory_hostname': '192.0.2.11'}]
    assert class_terminal.terminal_targets([], vms) == [ANA, BRUNO]
    # Given hosts win over the inventory.
    assert class_terminal.terminal_targets(['192.0.2.11'], vms) == [ANA]


@pytest.mark.parametrize('given', [
    ['192.0.2.11; rm -rf /'], ['192.0.2.11:0'], ['192.0.2.11:65536'], ['192.0.2.11:x'], ['-oProxyCommand=x'],
    ['bad_name'], [''], ['192.0.2.999'], '192.0.2.11', [['192.0.2.11']], ['host:22:33x'],
])
def test_targets_refuse_anything_but_a_host_and_port(given):
    with pytest.raises(ClassServicesError):
        class_terminal.terminal_targets(given)


def test_targets_refuse_a_vm_without_an_address():
    with pytest.raises(ClassServicesError):
        class_terminal.terminal_targets([], [{'ansible_port': 22}])


def scans(*pairs):
    return {'results': [{'item': item, 'stdout': stdout} for item, stdout in pairs]}


def test_known_hosts_keeps_keys_under_the_given_name_sorted():
    found = class_terminal.known_hosts(scans(
        (BRUNO, '# 192.0.2.12:2222 SSH-2.0-OpenSSH_9.2p1\nevil.example ssh-ed25519 %s\n' % ED25519),
        (ANA, '192.0.2.11 ecdsa-sha2-nistp256 %s\n192.0.2.11 ssh-ed25519 %s\n' % (ECDSA, ED25519)),
    ))
    assert found == {'text': ('192.0.2.11 ecdsa-sha2-nistp256 %s\n192.0.2.11 ssh-ed25519 %s\n'
                              '[192.0.2.12]:2222 ssh-ed25519 %s\n' % (ECDSA, ED25519, ED25519)),
                     'missing': []}


def test_known_hosts_is_the_same_whatever_the_order_of_the_answers():
    one = scans((ANA, 'a ssh-ed25519 %s\na ecdsa-sha2-nistp256 %s' % (ED25519, ECDSA)))
    two = scans((ANA, 'a ecdsa-sha2-nistp256 %s\na ssh-ed25519 %s\na ssh-ed25519 %s' % (ECDSA, ED25519, ED25519)))
    assert class_terminal.known_hosts(one) == class_terminal.known_hosts(two)


@pytest.mark.parametrize('stdout', [
    '',
    '# only a banner',
    'x ssh-dss %s' % ED25519,                           # not a type ssh-keyscan prints by default
    'x ssh-ed25519 %s extra' % ED25519,                 # a fourth field: an option or a comment smuggled in
    'x ssh-ed25519 not*base64',
    'x ecdsa-sha2-nistp256 %s' % ED25519,               # the blob is another type than the line says
    'x ssh-ed25519 %s' % ('A' * 5000),                  # longer than any host key
    '@cert-authority * ssh-ed25519 %s' % ED25519,        # a marker line: four fields
    'x\nssh-ed25519 %s' % ED25519,
])
def test_known_hosts_drops_what_is_not_a_key(stdout):
    assert class_terminal.known_hosts(scans((ANA, stdout), (BRUNO, 'b ssh-ed25519 %s' % ED25519))) == {
        'text': '[192.0.2.12]:2222 ssh-ed25519 %s\n' % ED25519, 'missing': ['192.0.2.11']}


def test_known_hosts_of_a_failed_scan_is_missing():
    assert class_terminal.known_hosts({'results': [{'item': ANA, 'rc': 1, 'stderr': 'timeout'}]}) == {
        'text': '', 'missing': ['192.0.2.11']}


@pytest.mark.parametrize('registered', [None, {}, {'results': [{'stdout': ''}]}, {'results': ['x']}])
def test_known_hosts_refuses_what_is_not_a_registered_loop_of_targets(registered):
    with pytest.raises(ClassServicesError):
        class_terminal.known_hosts(registered)


def test_filters_say_which_one_failed():
    filters = FilterModule().filters()
    with pytest.raises(AnsibleFilterError, match='terminal_targets: not a port'):
        filters['lab_class_terminal_targets'](['192.0.2.11:0'])
    assert filters['lab_class_known_hosts'](scans((ANA, '')))['missing'] == ['192.0.2.11']
