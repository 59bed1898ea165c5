#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: lab_challenge_facts
short_description: Judge a challenge-mode VM's steps from what the student did and the live state, with their history
version_added: 0.3.0
description:
  - In challenge mode the student types the chapter's commands and the C(lab) command on the VM checks them. This
    module judges the same steps with the same code (C(plugins/module_utils/lab_steps.py)) from the runs the
    recorder kept (C(plugins/module_utils/lab_recorder.py), root's file) and the live state of the VM, so a student
    cannot fake a pass by editing the progress file, and adds the history that C(lab) keeps there (when each step
    first passed, hints used) and the student's raised hand (C(lab help "message")), if any.
  - "C(solved_by_lab) is judged, never read from the history: a step passes as solved by the lab when what made it
    pass (live containers and networks, recorded runs) carries the label C(microlab.lab=docker_internals) that
    C(lab solve) puts on what it makes."
  - "The history file is writable by every docker-group member: it is read without following a link, bounded, and
    only values that validate are kept (known step ids, UTC times in one format, hint counts from 0 to 1000)."
  - "Steps, in the chapter's order: V(users_root), V(users_uid), V(nginx_netns), V(nginx_not_on_host),
    V(nginx_by_ip), V(network_created), V(network_bridge_200), V(network_lonely_timeout), V(networks_differ),
    V(files_owner_writes), V(files_other_refused), V(files_root_writes)."
  - Read-only on the lab's objects. To judge the network steps it runs the lab's curl image (by the ID recorded when
    the lab installed it) in a short-lived container (label C(microlab.lab.probe)), removed at once, that joins the
    network namespace of a running container on each network, or the network itself when none runs there; no
    proxy setting reaches it. Never reports a change.
author:
  - microlab.docker_internals contributors (@microlab)
requirements:
  - Linux with C(/proc).
  - A Docker engine reachable at O(docker_host); the docker CLI for the short-lived probe.
  - The lab's recorder on the VM (role lab_challenge); without its record only live containers count.
attributes:
  facts:
    support: full
    description: Returns C(ansible_facts.lab_challenge).
options:
  config_path:
    description:
      - The C(lab) command's settings on the VM, written by the lab_challenge role. Options not given here are
        read from it (names, UID, image references, timeouts, where the history is).
    type: path
    default: /etc/microlab/lab.json
  uid:
    description: The host UID of step V(users_uid) (C(docker run --user)). Default from O(config_path).
    type: int
  server:
    description: The chapter's nginx container, C(web_server). Default from O(config_path).
    type: str
  network:
    description: The chapter's user-defined network, C(lonely_curl). Default from O(config_path).
    type: str
  timeout:
    description: curl's C(--max-time) in the network steps, in seconds. Default from O(config_path).
    type: int
  progress_path:
    description: The history file on the VM. Default from O(config_path).
    type: path
  language:
    description: Language of the evidence. Default from O(config_path).
    type: str
    choices: [es, en]
  session_start:
    description:
      - When the judging session started, UTC, C(YYYY-MM-DDTHH:MM:SSZ) (the controller's). Runs created before it,
        or before the student's last C(lab reset), do not count. Default, no bound but the student's last reset.
    type: str
extends_documentation_fragment:
  - microlab.docker_internals.fact_gatherer
notes:
  - The judgement is unit-tested with recorded observations (tests/unit/plugins/module_utils/test_lab_steps.py).
seealso:
  - module: microlab.docker_internals.lab_observe
'''

EXAMPLES = r'''
- name: Judge the student's steps and read their history (what playbooks/verify.yml does in challenge mode)
  microlab.docker_internals.lab_challenge_facts:
    language: en
    session_start: "2026-12-02T19:00:00Z"
  become: true

- name: Show where the student is
  ansible.builtin.debug:
    msg: "{{ lab_challenge.passed }} of {{ lab_challenge.total }} steps; next: {{ lab_challenge.next }}"
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host.
  returned: always
  type: dict
  contains:
    lab_challenge:
      description: The steps judged now, with the history kept on the VM.
      returned: always
      type: dict
      contains:
        configured:
          description: Whether O(config_path) exists (the VM was prepared in challenge mode).
          type: bool
        steps:
          description: By step id, C(status) (V(pass) or V(fail), judged now), C(evidence) (text in O(language)),
            C(hints) (hints shown, the student's own word), C(hints_before_pass) (those asked before the step first
            passed, the ones a grade counts), C(solved_by_lab) (judged now from labels) and C(first_passed_at)
            (UTC, or null; the student's own word).
          type: dict
          sample:
            users_uid: {status: pass, evidence: "quirky_bell pid 4242 (sleep 500) runs as host UID 1234",
                        hints: 1, hints_before_pass: 1, solved_by_lab: false, first_passed_at: "2026-11-25T10:04:00Z"}
        step_ids:
          description: The step ids in the chapter's order.
          type: list
          elements: str
        passed:
          description: How many steps pass now.
          type: int
        total:
          description: How many steps there are.
          type: int
        next:
          description: The first step that does not pass now, or null.
          type: str
        started_at:
          description: When the student first ran C(lab) (UTC), or null.
          type: str
        last_progress_at:
          description: When a step last passed for the first time, else C(started_at).
          type: str
        hand:
          description:
            - The student's raised hand (C(lab help "message") on the VM), or null when it is down. C(raised_at) (UTC)
              and C(message) (one line, at most 200 characters, no control or bidirectional character); a file that
              does not validate counts as no hand. The student's own word, read from C(hand.json) next to the
              history without following a link.
          type: dict
          sample: {raised_at: "2026-11-25T10:12:00Z", message: "lonely_curl answers 200, why?"}
'''

import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_hand, lab_steps, procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DEFAULT_DOCKER_HOST, DockerAPI


def read_config(path):
    """(lab.json as a dict or {}, whether it exists); read without following a link, bounded."""
    try:
        data = json.loads(procfs.safe_read(path, limit=lab_steps.MAX_PROGRESS_BYTES).decode('utf-8'))
    except FileNotFoundError:
        return {}, False
    except (OSError, ValueError, RecursionError):
        return {}, True
    return (data if isinstance(data, dict) else {}), True


def settings(params, data):
    """lab_steps' config: lab.json, then the module's options."""
    config = lab_steps.make_config(data)
    for option in ('uid', 'timeout', 'language'):
        if params.get(option) is not None:
            config[option] = params[option]
    if params.get('server'):
        config['names']['server'] = params['server']
    if params.get('network'):
        config['names']['network'] = params['network']
    if params.get('progress_path'):
        config['progress'] = params['progress_path']
    config['docker_host'] = params.get('docker_host') or config['docker_host']
    return config


def challenge_facts(config, observation, progress, configured, hand=None):
    """The lab_challenge fact from an observation, the history and the raised hand (None: down)."""
    results = lab_steps.judge(observation, config)
    steps = lab_steps.history_view(progress, results)
    for entry in steps.values():
        entry['evidence'] = catalog.render(config['language'], entry['evidence'])
    return {
        'configured': configured,
        'step_ids': list(lab_steps.STEP_IDS),
        'steps': steps,
        'passed': sum(1 for entry in steps.values() if entry['status'] == 'pass'),
        'total': len(steps),
        'next': lab_steps.next_step(results),
        'started_at': progress.get('started_at'),
        'last_progress_at': lab_steps.last_progress_at(progress),
        'hand': hand,
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config_path=dict(type='path', default='/etc/microlab/lab.json'),
            uid=dict(type='int'),
            server=dict(type='str'),
            network=dict(type='str'),
            timeout=dict(type='int'),
            progress_path=dict(type='path'),
            language=dict(type='str', choices=['es', 'en']),
            session_start=dict(type='str'),
            docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST),
        ),
        supports_check_mode=True,
    )
    session_start = module.params['session_start']
    if session_start is not None and not lab_steps.is_time(session_start):
        module.fail_json(msg='session_start must be a UTC time as YYYY-MM-DDTHH:MM:SSZ, got %r' % session_start)
    data, configured = read_config(module.params['config_path'])
    config = settings(module.params, data)
    docker = module.get_bin_path('docker')

    def runner(argv):
        if not docker:
            raise OSError('no docker CLI on the VM')
        return module.run_command([docker] + argv[1:])

    api = DockerAPI(config['docker_host'], timeout=max(30, int(config['timeout']) + 10))
    progress = lab_steps.load_progress(config['progress'])
    try:
        observation = lab_steps.observe(api, config, runner=runner,
                                        runs=lambda: lab_steps.session_runs(config, progress, session_start))
    finally:
        api.close()
    hand = lab_hand.load_hand(lab_hand.hand_path(config['progress']))
    module.exit_json(changed=False, ansible_facts={'lab_challenge': challenge_facts(config, observation, progress, configured, hand)})


if __name__ == '__main__':
    main()
