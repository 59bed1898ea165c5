#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: netns_socket_facts
short_description: Listening TCP/UDP sockets inside containers' and other network namespaces
version_added: 0.1.0
description:
  - Reads the sockets of one or more network namespaces in a single call, the way C(ss -tuln) would
    show them when run inside each namespace, and returns them as facts shaped like
    P(community.general.listen_ports_facts#module) per target.
  - Targets are Docker containers (by name or id, or every running container), process ids,
    network namespace files, and the host's own namespace for comparison.
  - Uses netlink C(NETLINK_SOCK_DIAG) from a socket opened inside the target namespace with
    C(setns(2)), switching back right after; falls back to parsing C(/proc/<pid>/net/{tcp,tcp6,udp,udp6}).
  - Needs no C(ss), C(nsenter), C(ip) or C(docker) binaries and no Docker SDK, and leaves no
    C(/var/run/netns) links behind. Containers are looked up through the Docker Engine API on the
    local socket with the Python standard library.
  - Read-only; never reports a change.
author:
  - microlab.docker_internals contributors (@microlab)
requirements:
  - Linux with C(/proc) and network namespaces.
  - "Root (C(become: true)) to enter other processes' namespaces."
  - A Docker engine reachable at O(docker_host) when containers are targeted.
attributes:
  facts:
    support: full
    description: Returns C(ansible_facts.netns_sockets).
options:
  containers:
    description:
      - Containers to inspect, by name or (short or full) id. Each must be running.
      - The fact key is the string given here.
    type: list
    elements: str
    default: []
  all_containers:
    description:
      - Also inspect every running container. The fact key is the container name without the leading C(/).
    type: bool
    default: false
  pids:
    description:
      - Process ids (as seen on the host) whose network namespace to inspect. The fact key is C(pid:<N>).
    type: list
    elements: int
    default: []
  netns_paths:
    description:
      - Network namespace files, for example C(/run/netns/NAME) or C(/proc/<pid>/ns/net). The fact key is the path.
    type: list
    elements: path
    default: []
  host:
    description:
      - Also inspect the host's own network namespace (that of PID 1). The fact key is C(host).
    type: bool
    default: false
  include_all_sockets:
    description:
      - Also return every TCP and UDP socket, with its state and peer, under RV(ansible_facts.netns_sockets.sockets).
    type: bool
    default: false
  method:
    description:
      - How to read sockets. V(netlink) uses sock_diag inside the namespace and knows C(IPV6_V6ONLY).
      - V(procfs) parses C(/proc/<pid>/net/*); it cannot tell a dual-stack C([::]) from a v6-only one
        (RV(ansible_facts.netns_sockets.tcp_listen[].ipv6_only) is null).
      - V(auto) tries netlink and falls back to procfs.
    type: str
    choices: [auto, netlink, procfs]
    default: auto
extends_documentation_fragment:
  - microlab.docker_internals.fact_gatherer
notes:
  - At least one target (O(containers), O(all_containers), O(pids), O(netns_paths) or O(host)) is required.
  - A UDP socket is listed in RV(ansible_facts.netns_sockets.udp_listen) when it is not connected (state C(UNCONN)).
  - A v4-mapped IPv6 address is shown as its IPv4 address with RV(ansible_facts.netns_sockets.tcp_listen[].family=ipv6).
  - The owning process is searched only among processes in the target namespace; a namespace with no
    process (for example one made by C(ip netns add)) gives null RV(ansible_facts.netns_sockets.tcp_listen[].pid).
seealso:
  - module: microlab.docker_internals.container_uid_facts
  - module: community.general.listen_ports_facts
'''

EXAMPLES = r'''
- name: Sockets of the nginx container and of the host, side by side
  microlab.docker_internals.netns_socket_facts:
    containers: [lab-nginx]
    host: true
  become: true

- name: The container listens on :80 and the host does not
  ansible.builtin.assert:
    that:
      - ansible_facts.netns_sockets['lab-nginx'].tcp_listen | selectattr('port', 'eq', 80) | list | length > 0
      - ansible_facts.netns_sockets['host'].tcp_listen | selectattr('port', 'eq', 80) | list | length == 0
      - not ansible_facts.netns_sockets['lab-nginx'].is_host_netns

- name: Every running container in one call, with connected sockets too
  microlab.docker_internals.netns_socket_facts:
    all_containers: true
    include_all_sockets: true
  become: true

- name: A namespace made by ip netns, and a process
  microlab.docker_internals.netns_socket_facts:
    netns_paths: [/run/netns/lab]
    pids: [4242]
  become: true
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: complex
  contains:
    netns_sockets:
      description:
        - One entry per target. The key is the container string as given (the container name for
          O(all_containers)), C(pid:<N>) for a pid, the path for a namespace file, C(host) for the host.
      returned: always
      type: dict
      sample:
        lab-nginx:
          target: {type: container, name: lab-nginx, id: 3f1c0a9e2b7d, pid: 4242}
          netns_inode: 4026532301
          is_host_netns: false
          method: netlink
          tcp_listen:
            - {address: 0.0.0.0, port: 80, protocol: tcp, family: ipv4, ipv6_only: false,
               state: LISTEN, pid: 4242, name: nginx, user: root, uid: 0}
            - {address: '::', port: 80, protocol: tcp6, family: ipv6, ipv6_only: true,
               state: LISTEN, pid: 4242, name: nginx, user: root, uid: 0}
          udp_listen: []
      contains:
        target:
          description: What was inspected.
          returned: always
          type: dict
          contains:
            type:
              description: V(container), V(pid), V(netns_path) or V(host).
              returned: always
              type: str
            name:
              description: Container name, process name (comm), the path, or V(host).
              returned: always
              type: str
            id:
              description: Full container id; null for other targets.
              returned: always
              type: str
            pid:
              description: Host pid whose namespace was read (the container's State.Pid, 1 for host); null for a path.
              returned: always
              type: int
        netns_inode:
          description: Inode number of the network namespace (what C(ls -L -i /proc/PID/ns/net) shows).
          returned: always
          type: int
        is_host_netns:
          description: Whether this is the host's namespace (the same as PID 1's).
          returned: always
          type: bool
        method:
          description: How the sockets were read, V(netlink) or V(procfs).
          returned: always
          type: str
        tcp_listen:
          description: TCP sockets in state LISTEN, sorted by protocol, address and port.
          returned: always
          type: list
          elements: dict
          contains:
            address:
              description: Local address; V(0.0.0.0) or V(::) for a wildcard; a v4-mapped address as IPv4.
              returned: always
              type: str
            port:
              description: Local port.
              returned: always
              type: int
            protocol:
              description: V(tcp), V(tcp6), V(udp) or V(udp6) (the socket's family, as in listen_ports_facts).
              returned: always
              type: str
            family:
              description: V(ipv4) or V(ipv6), the socket's address family.
              returned: always
              type: str
            ipv6_only:
              description:
                - For an IPv6 socket, whether it is C(IPV6_V6ONLY); false means a wildcard V(::) also accepts
                  IPv4 (what C(ss) prints as C(*)). False for IPv4 sockets.
                - Null when the kernel does not tell (method V(procfs), or a connected socket).
              returned: always
              type: bool
            state:
              description: Socket state as C(ss) names it (V(LISTEN), V(UNCONN), V(ESTAB), ...).
              returned: always
              type: str
            pid:
              description: Lowest pid in the namespace holding the socket open; null when none is found.
              returned: always
              type: int
            name:
              description: Process name (comm) of RV(ansible_facts.netns_sockets.tcp_listen[].pid).
              returned: always
              type: str
            user:
              description: Host user name of the socket owner's UID; null when the host has no such user.
              returned: always
              type: str
            uid:
              description: UID (host view) that owns the socket.
              returned: always
              type: int
        udp_listen:
          description: Unconnected UDP sockets (state UNCONN), with the same keys as RV(ansible_facts.netns_sockets.tcp_listen).
          returned: always
          type: list
          elements: dict
        sockets:
          description:
            - Every TCP and UDP socket in any state, with the keys of RV(ansible_facts.netns_sockets.tcp_listen)
              plus C(peer_address) and C(peer_port).
          returned: when O(include_all_sockets=true)
          type: list
          elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.microlab.docker_internals.plugins.module_utils import netns_sockets, targets
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DEFAULT_DOCKER_HOST


def main():
    module = AnsibleModule(
        argument_spec=dict(
            containers=dict(type='list', elements='str', default=[]),
            all_containers=dict(type='bool', default=False),
            pids=dict(type='list', elements='int', default=[]),
            netns_paths=dict(type='list', elements='path', default=[]),
            host=dict(type='bool', default=False),
            include_all_sockets=dict(type='bool', default=False),
            docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST),
            method=dict(type='str', default='auto', choices=['auto', 'netlink', 'procfs']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not (params['containers'] or params['all_containers'] or params['pids'] or params['netns_paths'] or params['host']):
        module.fail_json(msg='no target: give containers, all_containers, pids, netns_paths or host')
    try:
        targets.require_root()
        facts = netns_sockets.gather(targets.resolve(params), params['method'], params['include_all_sockets'])
    except targets.TargetError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, ansible_facts={'netns_sockets': facts})


if __name__ == '__main__':
    main()
