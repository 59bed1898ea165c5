#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: lab_make
short_description: Make (or remove) what the chapter's scenarios need, in one call
version_added: 0.3.0
description:
  - Makes what the scenarios of a run need on a VM and is missing, in one module call, from the plan the
    C(microlab.docker_internals.lab_scenario_plan) filter gives (the role C(microlab.docker_internals.lab_scenario)
    passes it).
  - "Directories first: made (parents 0755, as root) or corrected to their owner (user and group) and exact mode.
    A path that is a symbolic link or not a directory is refused: the module never follows it."
  - Then the user-defined networks that are missing, then the containers that are missing, stopped or not as
    specified, created and started at once (one thread and one connection to the engine each).
  - "A re-run costs one listing of the engine: each container carries the hash of the spec it was started from
    (label C(microlab.lab.spec), as Compose labels its config hash); a running container with the same hash,
    image and network is left alone, and the module reports no change."
  - "Last, what a scenario makes outside the engine (O(outside)): the scratch scenario's exported filesystem, its
    unshared process, its bridge (with the FORWARD rule docker0 also has), veth pairs and named network
    namespaces, and its memory cgroup. Each part is found again by the lab's marks (the links' ifalias, the rule's
    comment, a state file of root's with the process's PID and start time checked against /proc), so a re-run
    changes nothing, and only what carries them is ever removed."
  - "With O(remove_outside), only removes what the scenarios made outside the engine (reset.yml), in challenge mode
    what C(lab solve) made there too (the overlay scenario's mount, only when it is exactly the lab's, and its
    directory unless a mount of the student's is under it): the engine's containers and networks are left to the
    caller."
  - "Only what is the lab's is ever replaced: when a container or network of one of the plan's names exists without
    the C(microlab.lab) label, the module fails before changing anything, with the reason in O(language) alone."
  - "The directories it creates (not one it finds, like an instructor's existing directory) are listed in
    O(record); O(remove_made_directories=true) removes exactly those, as C(playbooks/reset.yml) does."
  - "Why not M(community.docker.docker_container) and M(community.docker.docker_network) in a loop: on a fresh VM
    the eight containers of the chapter took 9.7 s that way, one module call each (docs/benchmarks.md); their
    specs are fixed by the scenarios, so the comparison those modules make is the spec hash here."
author:
  - microlab.docker_internals contributors (@microlab)
requirements:
  - Linux, run as root (the directories' owners).
  - A Docker engine reachable at O(docker_host); the containers' images present (role C(microlab.docker_internals.lab_images)).
attributes:
  check_mode:
    support: full
    description: Reports what would be made, and refuses what would be refused, without changing anything.
  diff_mode:
    support: none
    description: Returns the names of what was made instead.
options:
  containers:
    description: The containers, in the chapter's order.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The container's name.
        type: str
        required: true
      image:
        description: The image, as the engine names it.
        type: str
        required: true
      entrypoint:
        description: The entrypoint, as a list (C(docker run --entrypoint)).
        type: list
        elements: str
        required: true
      command:
        description: The command, as a list.
        type: list
        elements: str
        required: true
      user:
        description: C(docker run --user); the image's user when empty.
        type: str
        default: ''
      userns_mode:
        description: C(docker run --userns), for example C(host) to opt out of userns-remap.
        type: str
        default: ''
      volumes:
        description: Bind mounts, C(host path:container path) each.
        type: list
        elements: str
        default: []
      network:
        description: The user-defined network it runs on; the default bridge when empty.
        type: str
        default: ''
      memory:
        description: C(docker run --memory) in bytes; no limit when 0.
        type: int
        default: 0
      labels:
        description: Its labels (the lab's, C(microlab.lab) included); the spec hash is added.
        type: dict
        required: true
  networks:
    description: The user-defined networks.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The network's name.
        type: str
        required: true
      labels:
        description: Its labels (the lab's, C(microlab.lab) included).
        type: dict
        required: true
  directories:
    description: Host directories the containers bind-mount.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: An absolute path.
        type: path
        required: true
      owner:
        description: The UID and GID that own it.
        type: int
        required: true
      mode:
        description: Its mode, an octal string such as C('0755') or C('1777').
        type: str
        required: true
  outside:
    description:
      - "What scenarios make outside the engine, C({scenario: spec}) as the
        C(microlab.docker_internals.lab_scenario_plan) filter gives it (its C(outside)); made after the containers."
      - Each scenario's unit says what its spec holds; today only C(scratch) has one (C({image}), the image exported).
    type: dict
    default: {}
  remove_outside:
    description:
      - Instead of making anything, remove everything the scenarios made outside the engine (reset.yml).
      - Not with O(containers), O(networks) or O(directories); it may come with O(remove_made_directories), and is
        done first.
    type: bool
    default: false
  record:
    description: The file on the VM that lists the directories the module created (JSON, root's, mode 0600).
    type: path
    default: /var/lib/microlab/made-directories.json
  remove_made_directories:
    description:
      - Instead of making anything, remove the directories O(record) lists, deepest first, with what is in them,
        then O(record). A path that is now a link or not a directory is only forgotten, never followed.
      - Not with O(containers), O(networks) or O(directories).
    type: bool
    default: false
  language:
    description: The language of a refusal, the student's.
    type: str
    choices: [es, en]
    default: es
  docker_host:
    description: Docker Engine API endpoint, C(unix:///path) or C(tcp://host:port) (plain HTTP).
    type: str
    default: unix:///var/run/docker.sock
seealso:
  - module: microlab.docker_internals.lab_observe
  - module: community.docker.docker_container
'''

EXAMPLES = r'''
- name: Make the scenarios' directories, networks and containers
  microlab.docker_internals.lab_make:
    containers: "{{ lab_scenario_plan.containers }}"
    networks: "{{ lab_scenario_plan.networks }}"
    directories: "{{ lab_scenario_plan.directories }}"
    language: es

- name: Remove what the scenarios made outside the engine and the directories the lab made (playbooks/reset.yml)
  microlab.docker_internals.lab_make:
    remove_outside: true
    remove_made_directories: true

- name: One sleeping container as UID 1234
  microlab.docker_internals.lab_make:
    containers:
      - name: lab_user_1234
        image: microlab.local/lab-shell:bookworm
        entrypoint: [sleep]
        command: [infinity]
        user: "1234"
        labels: {microlab.lab: docker_internals, microlab.lab.scenario: users}
'''

RETURN = r'''
directories:
  description: The directories made or corrected, or with O(remove_made_directories=true) removed (in check mode,
    that would be).
  returned: always
  type: list
  elements: str
  sample: [/srv/lab_files/open]
networks:
  description: The networks created (none when removing).
  returned: always
  type: list
  elements: str
  sample: [lonely_curl]
containers:
  description: The containers started (created, recreated, or a stopped one started; none when removing).
  returned: always
  type: list
  elements: str
  sample: [web_server, curl_lonely]
outside:
  description: "What was made (or removed) outside the engine, as C(scenario: part) (in check mode, that would be)."
  returned: always
  type: list
  elements: str
  sample: ['scratch: process', 'scratch: links']
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_make, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import (
    DEFAULT_DOCKER_HOST, DockerAPI, DockerAPIError)

CONTAINER = dict(
    name=dict(type='str', required=True),
    image=dict(type='str', required=True),
    entrypoint=dict(type='list', elements='str', required=True),
    command=dict(type='list', elements='str', required=True),
    user=dict(type='str', default=''),
    userns_mode=dict(type='str', default=''),
    volumes=dict(type='list', elements='str', default=[]),
    network=dict(type='str', default=''),
    memory=dict(type='int', default=0),
    labels=dict(type='dict', required=True),
)
NETWORK = dict(name=dict(type='str', required=True), labels=dict(type='dict', required=True))
DIRECTORY = dict(path=dict(type='path', required=True), owner=dict(type='int', required=True),
                 mode=dict(type='str', required=True))


def plan_of(module, params):
    """The plan from the options, directory modes as numbers."""
    directories = []
    for spec in params['directories']:
        try:
            mode = int(spec['mode'], 8)
        except ValueError:
            module.fail_json(msg='directories: mode %r of %s is not octal' % (spec['mode'], spec['path']))
        if not spec['path'].startswith('/'):
            module.fail_json(msg='directories: %s is not an absolute path' % spec['path'])
        directories.append(dict(spec, mode=mode))
    return {'directories': directories, 'networks': params['networks'], 'containers': params['containers'],
            'outside': params['outside']}


def main():
    module = AnsibleModule(argument_spec=dict(
        containers=dict(type='list', elements='dict', options=CONTAINER, default=[]),
        networks=dict(type='list', elements='dict', options=NETWORK, default=[]),
        directories=dict(type='list', elements='dict', options=DIRECTORY, default=[]),
        outside=dict(type='dict', default={}),
        remove_outside=dict(type='bool', default=False),
        record=dict(type='path', default=lab_make.MADE_DIRECTORIES),
        remove_made_directories=dict(type='bool', default=False),
        language=dict(type='str', choices=['es', 'en'], default='es'),
        docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST),
    ), supports_check_mode=True)
    params = module.params
    if params['remove_outside'] or params['remove_made_directories']:
        if params['containers'] or params['networks'] or params['directories'] or params['outside']:
            module.fail_json(msg='remove_outside, remove_made_directories: give nothing to make with them')
        try:
            gone = scenarios.remove_outside(check_mode=module.check_mode) if params['remove_outside'] else []
            removed = (lab_make.remove_made(params['record'], check_mode=module.check_mode)
                       if params['remove_made_directories'] else [])
        except OSError as exc:
            module.fail_json(msg=str(exc))
        module.exit_json(changed=bool(gone or removed), directories=removed, networks=[], containers=[], outside=gone)
    plan = plan_of(module, params)
    try:
        done = lab_make.make(lambda: DockerAPI(params['docker_host']), plan, params['language'],
                             check_mode=module.check_mode, record=params['record'])
    except lab_make.Refused as refused:
        module.fail_json(msg=str(refused))
    except (DockerAPIError, OSError) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**done)


if __name__ == '__main__':
    main()
