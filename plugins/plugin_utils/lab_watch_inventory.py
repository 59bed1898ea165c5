# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""lab-watch's view of the inventory, through Ansible itself: the hosts' variables, and how Ansible's ssh
connection would reach one host (its address, port, user, key, host key checking and ssh arguments from the
inventory, ansible.cfg and the environment). The checks and the ssh command are in lab_watch.py."""

from __future__ import annotations

import getpass
import shlex

from ansible import constants as C
from ansible.cli import CLI
from ansible.errors import AnsibleError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import connection_loader
from ansible.template import Templar
from ansible.vars.manager import VariableManager

from ansible_collections.microlab.docker_internals.plugins.plugin_utils.lab_watch import WatchError


class Inventory:
    """The inventory lab-watch was given (-i, or Ansible's default), read once."""

    def __init__(self):
        self.loader = DataLoader()

    def hosts(self, args):
        """({host name: its variables}, [the inventory sources])."""
        sources = list(args.inventory) or list(C.DEFAULT_HOST_LIST)
        try:
            self.loader.set_vault_secrets(CLI.setup_vault_secrets(
                self.loader, vault_ids=C.DEFAULT_VAULT_IDENTITY_LIST, ask_vault_pass=args.ask_vault_pass,
                vault_password_files=list(args.vault_password_file) or None, auto_prompt=False))
            inventory = InventoryManager(loader=self.loader, sources=sources)
            variables = VariableManager(loader=self.loader, inventory=inventory)
            return dict((host.name, variables.get_vars(host=host, include_hostvars=False))
                        for host in inventory.get_hosts()), sources
        except AnsibleError as exc:
            raise WatchError('watch.err.inventory', error=str(exc).splitlines()[0][:300])

    def connection(self, variables, args):
        """How Ansible's ssh connection plugin would reach the host of these variables."""
        templar = Templar(loader=self.loader, variables=variables)
        ssh = connection_loader.get('ansible.builtin.ssh', PlayContext(), None)
        ssh.set_options(var_options=variables)

        def option(name):
            return templar.template(ssh.get_option(name))

        words = []
        for name in ('ssh_args', 'ssh_common_args', 'ssh_extra_args'):
            words += shlex.split(option(name) or '')
        return {'host': str(option('host') or variables['inventory_hostname']),
                'port': option('port'),
                'user': str(option('remote_user') or getpass.getuser()),
                'private_key': args.private_key or option('private_key_file'),
                'host_key_checking': bool(option('host_key_checking')),
                'ssh_args': words}
