# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Documentation shared by the read-only fact modules."""

from __future__ import annotations


class ModuleDocFragment:
    """What every fact module of this collection documents the same way."""

    DOCUMENTATION = r'''
options:
  docker_host:
    description:
      - Docker Engine API endpoint, C(unix:///path) or C(tcp://host:port) (plain HTTP).
    type: str
    default: unix:///var/run/docker.sock
attributes:
  action_group:
    support: full
    membership:
      - microlab.docker_internals.facts
    description: Use C(group/microlab.docker_internals.facts) in C(module_defaults) to set options such as O(docker_host)
      once for every fact module of this collection.
  check_mode:
    support: full
    description: Can run in check_mode and return the same facts.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
'''
