#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: lab_engine_facts
short_description: Whether a lab VM's engine, its configuration, packages and lab images are as wanted, in one call
version_added: 0.3.0
description:
  - Reads, in one call on the VM, what the roles C(docker_host) and C(lab_images) would otherwise read or
    change with a task each - the distribution, the packages, the files they write, the engine's service,
    the docker group's members, whether the engine answers and which lab images it holds - and says
    whether all of it is already as wanted (RV(ready)).
  - The roles then skip their installing, configuring and starting tasks on a VM that is ready, so that a
    check that changes nothing costs one module call.
  - Read-only; never reports a change. Paths are read with C(lstat); a symbolic link is never taken for
    the file the lab wrote.
author:
  - microlab.docker_internals contributors (@microlab)
requirements:
  - Debian or Ubuntu (C(dpkg-query)) for O(packages).
  - Root to read the engine's socket.
attributes:
  check_mode:
    support: full
    description: Can run in check_mode and return the same answer.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
options:
  packages:
    description: Debian packages that must be installed.
    type: list
    elements: str
    default: []
  binaries:
    description: Absolute paths of programs that must exist (the docker CLI, a package of its own from Debian 13 on).
    type: list
    elements: path
    default: []
  files:
    description: Paths the roles write, each as it must be.
    type: list
    elements: dict
    default: []
    suboptions: &file_suboptions
      path:
        description: Absolute path.
        type: path
        required: true
      state:
        description: A regular file, a directory, or nothing at that path.
        type: str
        choices: [file, directory, absent]
        default: file
      content:
        description: The file's whole content (not compared when not given).
        type: str
      mode:
        description: Octal permission bits, such as C("0644"); the owner must be root in any case.
        type: str
  supervised_files:
    description: Paths that must be as wanted only when the service manager is C(supervised) (the supervisor's script).
    type: list
    elements: dict
    default: []
    suboptions: *file_suboptions
  service_manager:
    description:
      - C(systemd) or C(supervised) as forced by the role, or C(auto) for C(systemd) where systemd runs.
      - With C(systemd), O(unit) must be enabled.
    type: str
    choices: [auto, systemd, supervised]
    default: auto
  unit:
    description: The systemd unit that must be enabled at boot when the service manager is systemd.
    type: str
    default: docker.service
  group:
    description: The group O(users) must belong to.
    type: str
    default: docker
  users:
    description: Accounts that must be members of O(group).
    type: list
    elements: str
    default: []
  engine:
    description: Whether the engine must answer on O(docker_host) (C(GET /_ping)).
    type: bool
    default: true
  images:
    description: Image references to look for among the engine's images.
    type: list
    elements: str
    default: []
  docker_host:
    description: Docker Engine API endpoint, C(unix:///path) or C(tcp://host:port) (plain HTTP).
    type: str
    default: unix:///var/run/docker.sock
notes:
  - RV(ready) does not consider O(images); the caller judges the images from RV(images).
seealso:
  - module: community.docker.docker_host_info
  - module: community.docker.docker_image_info
'''

EXAMPLES = r'''
- name: Read the engine, its configuration and the lab images in one call
  microlab.docker_internals.lab_engine_facts:
    packages: [docker.io, iptables, python3-requests]
    binaries: [/usr/bin/docker]
    files:
      - {path: /etc/docker/daemon.json, state: absent}
    images: [microlab.local/lab-shell:bookworm]
  register: engine_state

- name: Install and start Docker only when something is not as wanted
  ansible.builtin.include_tasks: install.yml
  when: not engine_state.ready
'''

RETURN = r'''
ready:
  description: Every package, program, file, service and account as wanted, and the engine answers (when asked).
  returned: always
  type: bool
os:
  description: The distribution and service manager, named as ansible.builtin.setup names them.
  returned: always
  type: dict
  sample: {distribution: Debian, distribution_release: bookworm, distribution_version: "12", architecture: x86_64,
           service_mgr: other, manager: supervised}
packages_missing:
  description: The packages of O(packages) that are not installed.
  returned: always
  type: list
  elements: str
binaries_missing:
  description: The paths of O(binaries) that do not exist.
  returned: always
  type: list
  elements: str
files_differ:
  description: The paths of O(files) (and of O(supervised_files) when supervised) that are not as wanted.
  returned: always
  type: list
  elements: str
unit_disabled:
  description: Whether the service manager is systemd and O(unit) is not enabled.
  returned: always
  type: bool
users_missing:
  description: The accounts of O(users) that are not members of O(group).
  returned: always
  type: list
  elements: str
engine:
  description: Whether the engine answers, and its version, storage driver, cgroup version and security options.
  returned: always
  type: dict
  sample: {answers: true, version: 20.10.24+dfsg1, driver: overlay2, cgroup_version: "1", security_options: []}
images:
  description: The engine's images that carry one of O(images) (Id, RepoTags, RepoDigests).
  returned: always
  type: list
  elements: dict
'''

import os
import platform

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.microlab.docker_internals.plugins.module_utils import engine_state
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPI, DockerAPIError


FILE_OPTIONS = dict(
    path=dict(type='path', required=True),
    state=dict(type='str', choices=['file', 'directory', 'absent'], default='file'),
    content=dict(type='str'),
    mode=dict(type='str'),
)


def read_text(path):
    """A root-owned system file's text ('' when it cannot be read)."""
    try:
        with open(path, encoding='utf-8', errors='replace') as handle:
            return handle.read()
    except OSError:
        return ''


def lstat(path):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def differs(wanted):
    found = lstat(wanted['path'])
    content = None
    if found is not None and wanted.get('state') == 'file' and wanted.get('content') is not None:
        flags = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0)
        try:
            fd = os.open(wanted['path'], flags)
        except OSError:
            return True
        with os.fdopen(fd, 'rb') as handle:
            content = handle.read()
    return engine_state.file_differs(wanted, found, content)


def engine_answer(docker_host):
    answer = {'answers': False, 'version': '', 'driver': '', 'cgroup_version': '', 'security_options': [],
              'images': []}
    try:
        api = DockerAPI(docker_host, timeout=10)
        info = api.info()
        status, images = api.get('/images/json')
        api.close()
    except (DockerAPIError, OSError, ValueError):
        return answer
    answer.update(answers=True, version=str(info.get('ServerVersion', '')), driver=str(info.get('Driver', '')),
                  cgroup_version=str(info.get('CgroupVersion', '')),
                  security_options=[str(option) for option in info.get('SecurityOptions') or []],
                  images=images if status == 200 and isinstance(images, list) else [])
    return answer


def main():
    module = AnsibleModule(
        argument_spec=dict(
            packages=dict(type='list', elements='str', default=[]),
            binaries=dict(type='list', elements='path', default=[]),
            files=dict(type='list', elements='dict', default=[], options=FILE_OPTIONS),
            supervised_files=dict(type='list', elements='dict', default=[], options=FILE_OPTIONS),
            service_manager=dict(type='str', choices=['auto', 'systemd', 'supervised'], default='auto'),
            unit=dict(type='str', default='docker.service'),
            group=dict(type='str', default='docker'),
            users=dict(type='list', elements='str', default=[]),
            engine=dict(type='bool', default=True),
            images=dict(type='list', elements='str', default=[]),
            docker_host=dict(type='str', default='unix:///var/run/docker.sock'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    facts = engine_state.os_release(read_text('/etc/os-release'), platform.machine())
    facts['service_mgr'] = 'systemd' if os.path.isdir('/run/systemd/system') else 'other'
    manager = params['service_manager']
    if manager == 'auto':
        manager = 'systemd' if facts['service_mgr'] == 'systemd' else 'supervised'
    facts['manager'] = manager

    packages_missing = []
    if params['packages']:
        rc, out, _err = module.run_command(['dpkg-query', '-W', '-f', engine_state.DPKG_FORMAT] + params['packages'])
        packages_missing = engine_state.missing_packages(out, params['packages'])
    binaries_missing = [path for path in params['binaries'] if not os.path.isfile(path)]
    wanted_files = params['files'] + (params['supervised_files'] if manager == 'supervised' else [])
    files_differ = [wanted['path'] for wanted in wanted_files if differs(wanted)]
    unit_disabled = manager == 'systemd' and not any(
        os.path.exists(os.path.join(root, params['unit'])) for root in (
            '/etc/systemd/system/multi-user.target.wants', '/lib/systemd/system/multi-user.target.wants'))
    members = engine_state.group_members(read_text('/etc/group'), params['group'])
    users_missing = [user for user in params['users'] if user not in members]
    engine = engine_answer(params['docker_host']) if params['engine'] else {'answers': False, 'images': []}
    images = engine_state.images_named(engine.pop('images'), params['images'])
    ready = not (packages_missing or binaries_missing or files_differ or unit_disabled or users_missing) and (
        engine['answers'] or not params['engine'])
    module.exit_json(changed=False, ready=ready, os=facts, packages_missing=packages_missing,
                     binaries_missing=binaries_missing, files_differ=files_differ, unit_disabled=unit_disabled,
                     users_missing=users_missing, engine=engine, images=images)


if __name__ == '__main__':
    main()
