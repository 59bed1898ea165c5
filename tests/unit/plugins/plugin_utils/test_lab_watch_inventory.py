# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab-watch reads a class roster through Ansible's inventory and reaches a VM as Ansible's ssh would."""

from __future__ import annotations

import importlib
import sys

import pytest

from ansible.parsing.vault import VaultSecretsContext
from ansible.plugins.loader import init_plugin_loader
from ansible.utils.collection_loader import AnsibleCollectionConfig

PREFIX = 'ansible_collections.microlab.docker_internals.plugins.plugin_utils.'

ROSTER = ('student,host,user,port,ansible_ssh_private_key_file,ansible_ssh_extra_args\n'
          'ana,192.0.2.11,root,2222,/keys/class,-o ConnectTimeout=7\n'
          'bruno,vm-bruno.example,admin,,,\n')


@pytest.fixture(scope='module', autouse=True)
def collection_loader():
    """Ansible's collection loader, as bin/lab-watch has it, so that the roster plugin loads (test_roster.py)."""
    if AnsibleCollectionConfig.collection_finder is None:
        for name in [name for name in sys.modules if name == 'ansible_collections' or name.startswith('ansible_collections.')]:
            del sys.modules[name]
        init_plugin_loader()


@pytest.fixture(autouse=True)
def vault_secrets(monkeypatch):
    """lab-watch sets the vault secrets once, as a process does; each test is a new process here."""
    monkeypatch.setattr(VaultSecretsContext, '_current', None)


def modules():
    return importlib.import_module(PREFIX + 'lab_watch'), importlib.import_module(PREFIX + 'lab_watch_inventory')


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / 'class.csv'
    path.write_text(ROSTER)
    return str(path)


def test_the_rosters_students_and_how_ssh_reaches_them(roster, monkeypatch):
    monkeypatch.setenv('ANSIBLE_HOST_KEY_CHECKING', 'false')
    lab_watch, lab_watch_inventory = modules()
    inventory = lab_watch_inventory.Inventory()
    args = lab_watch.parse(['-i', roster, 'ana'])
    hosts, sources = inventory.hosts(args)
    assert sources == [roster] and lab_watch.find_host(hosts, 'ana', sources) == 'ana'
    ana = inventory.connection(hosts['ana'], args)
    assert (ana['host'], ana['port'], ana['user'], ana['private_key'], ana['host_key_checking']) == (
        '192.0.2.11', 2222, 'root', '/keys/class', False)
    assert ana['ssh_args'][-2:] == ['-o', 'ConnectTimeout=7']
    bruno = inventory.connection(hosts['bruno'], lab_watch.parse(['-i', roster, '--private-key', '/k', 'bruno']))
    assert (bruno['host'], bruno['user'], bruno['private_key']) == ('vm-bruno.example', 'admin', '/k')


def test_an_inventory_that_cannot_be_read_is_said_so(tmp_path, monkeypatch):
    monkeypatch.setenv('ANSIBLE_INVENTORY_UNPARSED_FAILED', 'true')
    lab_watch, lab_watch_inventory = modules()
    with pytest.raises(lab_watch.WatchError) as exc:
        lab_watch_inventory.Inventory().hosts(lab_watch.parse(['-i', str(tmp_path / 'missing.csv'), 'ana']))
    assert exc.value.key == 'watch.err.inventory'
