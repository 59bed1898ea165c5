# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Class services: names in the class registry, the endpoints, the VMs' variables, daemon.json,
why a class pull failed, the one address the services listen on, the seeded images' digests, what a VM
pulls by digest, and the browser terminal's allow-list of SSH servers.

Thin wrappers of plugins/module_utils/class_services.py and class_terminal.py, which hold the logic and its
reasons.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils import class_services, class_terminal


def _wrapped(function):
    def filter_function(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except class_services.ClassServicesError as exc:
            raise AnsibleFilterError('%s: %s' % (function.__name__, exc))
    filter_function.__name__ = function.__name__
    filter_function.__doc__ = function.__doc__
    return filter_function


class FilterModule:
    """Class services."""

    def filters(self):
        return {
            'lab_class_listen_address': _wrapped(class_services.listen_address),
            'lab_class_pull_error': _wrapped(class_services.class_pull_error),
            'lab_class_pulls': _wrapped(class_services.class_pulls),
            'lab_class_seed_digests': _wrapped(class_services.seed_digests),
            'lab_class_seed_plan': _wrapped(class_services.seed_plan),
            'lab_class_endpoints': _wrapped(class_services.endpoints),
            'lab_class_known_hosts': _wrapped(class_terminal.known_hosts),
            'lab_class_terminal_targets': _wrapped(class_terminal.terminal_targets),
            'lab_class_vm_vars': _wrapped(class_services.vm_vars),
            'lab_daemon_options': _wrapped(class_services.daemon_options),
            'lab_image_registry': _wrapped(class_services.image_registry),
        }
