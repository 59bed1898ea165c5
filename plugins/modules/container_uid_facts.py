#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: container_uid_facts
short_description: Host and in-container UIDs of every process of containers, with user namespace maps
version_added: 0.1.0
description:
  - For each container (or pid) returns every process with its host pid and pid inside the container,
    its host UID/GID and host user name, and its UID and user name inside the container (from the
    container's own C(/etc/passwd)).
  - Also returns the C(uid_map) and C(gid_map) of the container, whether it is user-namespace remapped
    (for example Docker's C(userns-remap)), and which C(/etc/subuid) owner's range holds container root.
  - Several containers in one call; processes are found in one pass over C(/proc) by PID namespace
    (or by cgroup for a container sharing the host's PID namespace). No C(ps), C(docker) CLI or Docker SDK needed.
  - Read-only; never reports a change.
author:
  - microlab.docker_internals contributors (@microlab)
requirements:
  - Linux with C(/proc).
  - "Root (C(become: true)) to read other processes' root filesystems and namespaces."
  - A Docker engine reachable at O(docker_host) when containers are targeted.
attributes:
  facts:
    support: full
    description: Returns C(ansible_facts.container_uids).
options:
  containers:
    description:
      - Running containers by name or (short or full) id. The fact key is the string given here.
    type: list
    elements: str
    default: []
  pids:
    description:
      - Host process ids. The fact key is C(pid:<N>). When the process is in its own PID namespace, every
        process of that namespace is listed; otherwise only that process.
    type: list
    elements: int
    default: []
extends_documentation_fragment:
  - microlab.docker_internals.fact_gatherer
notes:
  - At least one of O(containers) or O(pids) is required.
  - UIDs are effective UIDs, as C(ps -o uid) shows them.
seealso:
  - module: microlab.docker_internals.netns_socket_facts
'''

EXAMPLES = r'''
- name: UIDs of the lab containers
  microlab.docker_internals.container_uid_facts:
    containers: [lab-user-1234, lab-root]
  become: true

- name: --user 1234 runs as host UID 1234, a plain container as root
  ansible.builtin.assert:
    that:
      - ansible_facts.container_uids['lab-user-1234'].processes | map(attribute='host_uid') | unique == [1234]
      - ansible_facts.container_uids['lab-root'].processes[0].host_uid == 0

- name: With userns-remap, container root is an unprivileged host UID owned by dockremap
  ansible.builtin.assert:
    that:
      - ansible_facts.container_uids['lab-root'].userns_remapped
      - ansible_facts.container_uids['lab-root'].subordinate_owner == 'dockremap'
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: complex
  contains:
    container_uids:
      description: One entry per target, keyed by the container string as given or C(pid:<N>).
      returned: always
      type: dict
      sample:
        lab-user-1234:
          target: {type: container, name: lab-user-1234, id: 9b2e61f0c4a1, pid: 5150}
          userns_remapped: false
          uid_map: [{inside: 0, outside: 0, count: 4294967295}]
          gid_map: [{inside: 0, outside: 0, count: 4294967295}]
          subordinate_owner: null
          processes:
            - {pid: 5150, ns_pid: 1, command: sleep, args: sleep infinity, host_uid: 1234, host_gid: 0,
               host_user: null, container_uid: 1234, container_user: null}
      contains:
        target:
          description: What was inspected (V(type) container or pid, V(name), V(id), V(pid)).
          returned: always
          type: dict
        userns_remapped:
          description: Whether the uid_map is anything but the identity C(0 0 4294967295).
          returned: always
          type: bool
        uid_map:
          description: Lines of C(/proc/<pid>/uid_map).
          returned: always
          type: list
          elements: dict
          contains:
            inside:
              description: First id inside the namespace.
              returned: always
              type: int
            outside:
              description: First id on the host it maps to.
              returned: always
              type: int
            count:
              description: Length of the range.
              returned: always
              type: int
        gid_map:
          description: Lines of C(/proc/<pid>/gid_map), like RV(ansible_facts.container_uids.uid_map).
          returned: always
          type: list
          elements: dict
        subordinate_owner:
          description: The C(/etc/subuid) user whose range holds the host UID of container root; null if none.
          returned: always
          type: str
        processes:
          description: Every process of the container, by host pid.
          returned: always
          type: list
          elements: dict
          contains:
            pid:
              description: Host pid.
              returned: always
              type: int
            ns_pid:
              description: Pid inside the container's PID namespace.
              returned: always
              type: int
            command:
              description: Process name (comm).
              returned: always
              type: str
            args:
              description: Command line, arguments joined by spaces.
              returned: always
              type: str
            host_uid:
              description: Effective UID on the host.
              returned: always
              type: int
            host_gid:
              description: Effective GID on the host.
              returned: always
              type: int
            host_user:
              description: Host user name of RV(ansible_facts.container_uids.processes[].host_uid); null when the host has no such user.
              returned: always
              type: str
            container_uid:
              description: The UID inside the container (host UID mapped through uid_map); null when unmapped.
              returned: always
              type: int
            container_user:
              description:
                - User name of RV(ansible_facts.container_uids.processes[].container_uid) in the container's own C(/etc/passwd); null if none.
                - The container's C(/etc/passwd) is read without following any link, only when it is a regular
                  file of at most 1 MiB; otherwise every RV(ansible_facts.container_uids.processes[].container_user) is null.
              returned: always
              type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.microlab.docker_internals.plugins.module_utils import container_processes, targets
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DEFAULT_DOCKER_HOST


def main():
    module = AnsibleModule(
        argument_spec=dict(
            containers=dict(type='list', elements='str', default=[]),
            pids=dict(type='list', elements='int', default=[]),
            docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not (params['containers'] or params['pids']):
        module.fail_json(msg='no target: give containers or pids')
    try:
        targets.require_root()
        facts = container_processes.gather(targets.resolve(params, with_paths=False))
    except targets.TargetError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, ansible_facts={'container_uids': facts})


if __name__ == '__main__':
    main()
