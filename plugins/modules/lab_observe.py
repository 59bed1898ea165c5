#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: lab_observe
short_description: Observe and judge the chapter's scenarios on a VM in one call
version_added: 0.2.0
description:
  - Reads everything the chapter's scenarios teach, in one module call, then judges it and says it in
    the student's language.
  - "Observation: the scenario's containers and networks through the Docker Engine API, their processes with
    host and container UIDs (as M(microlab.docker_internals.container_uid_facts)), the listening sockets of the
    nginx container's network namespace and of the host's (as M(microlab.docker_internals.netns_socket_facts)),
    an HTTP GET from the VM by the container's IP, and curl run inside both curl clients through the Docker exec
    API. The two curl probes run concurrently with the rest, so curl's timeout is paid once. For the files scenario,
    the owners of the files in its directories (lstat) and whether the refused container's process may write there,
    asked of the kernel with that process's credentials (a child process calling faccessat). For the scratch
    scenario, its process's namespaces, NSpid, root and hostname from /proc, the links of its network (ip), an ICMP
    echo from its network namespace, and the memory limits under /sys/fs/cgroup."
  - "Judgement: a pure function from the observation to outcomes (C(status) pass or fail, C(evidence) text)."
  - Returns the outcomes merged into O(outcomes) as the fact C(lab_outcomes), which playbooks/verify.yml and the
    class report read, and the explanation of each scenario (what was done, what to look at, the commands to see
    it by hand, why, and the result).
  - Read-only; never reports a change. Needs root for other processes' namespaces and /proc entries; without
    it the affected outcomes fail with the reason.
author:
  - microlab.docker_internals contributors (@microlab)
requirements:
  - Linux with C(/proc) and network namespaces.
  - A Docker engine reachable at O(docker_host).
attributes:
  facts:
    support: full
    description: Returns C(ansible_facts.lab_outcomes).
options:
  scenarios:
    description: The scenarios to observe and judge.
    type: list
    elements: str
    choices: [users, nginx, network, files, overlay, scratch]
    default: [users, nginx, network, files, overlay, scratch]
  users:
    description: Scenario 1, the containers that sleep as root and as O(users.uid).
    type: dict
    default: {}
    suboptions:
      root_container:
        description: The container that sleeps as root.
        type: str
        default: lab_user_root
      uid_container:
        description: The container that sleeps as O(users.uid).
        type: str
        default: lab_user_1234
      uid:
        description: The host UID the second container runs as.
        type: int
        default: 1234
      userns_remap:
        description: Also judge O(users.remapped_container), whose root must be a subordinate host UID.
        type: bool
        default: false
      remapped_container:
        description: The container that sleeps as root under userns-remap.
        type: str
        default: lab_user_remapped
      share_dir:
        description:
          - The host directory bind-mounted into O(users.uid_container), where it writes C(written-by-uid-<uid>).
          - The file's owner is read with C(lstat), never following a link. Empty to skip the outcome.
        type: str
        default: /var/lib/microlab/users
  nginx:
    description: Scenario 2, nginx in its own network namespace.
    type: dict
    default: {}
    suboptions:
      container:
        description: The nginx container, the chapter's C(web_server).
        type: str
        default: web_server
      port:
        description: The port nginx listens on inside the container.
        type: int
        default: 80
      http_timeout:
        description: Seconds to wait for nginx's answer to the GET from the VM.
        type: int
        default: 5
  network:
    description: Scenario 3, curl from the default bridge and from the user-defined network.
    type: dict
    default: {}
    suboptions:
      name:
        description: The user-defined network, the chapter's C(lonely_curl).
        type: str
        default: lonely_curl
      server:
        description: The nginx container both clients ask, on the default bridge.
        type: str
        default: web_server
      bridge_client:
        description: The curl client on the default bridge.
        type: str
        default: curl_bridge
      lonely_client:
        description: The curl client on O(network.name).
        type: str
        default: curl_lonely
      timeout:
        description: curl's C(--max-time) in seconds; the lonely client must time out after it.
        type: int
        default: 2
  files:
    description: Scenario 4, UIDs and file permissions in a bind-mounted host directory.
    type: dict
    default: {}
    suboptions:
      owner_container:
        description: The container that runs as O(files.uid) and writes a file.
        type: str
        default: lab_files_owner
      other_container:
        description: The container that runs as O(files.other_uid) and is refused.
        type: str
        default: lab_files_other
      root_container:
        description: The container that writes a file as its root.
        type: str
        default: lab_files_root
      uid:
        description: The host UID that owns the directory O(files.share_dir)C(/owned).
        type: int
        default: 1234
      other_uid:
        description: The host UID of O(files.other_container), which is not the owner.
        type: int
        default: 4321
      share_dir:
        description:
          - The host directory holding C(owned) (owner O(files.uid), mode 0755) and C(open) (mode 0777).
          - Read without following a link.
        type: str
        default: /srv/lab_files
  overlay:
    description: Scenario 5, the overlay filesystem of two containers of one image.
    type: dict
    default: {}
    suboptions:
      container:
        description: The container that writes, changes and deletes a file.
        type: str
        default: lab_overlay
      twin_container:
        description: A second container of the same image, which only sleeps.
        type: str
        default: lab_overlay_twin
  scratch:
    description: Scenario 6, a container from scratch (unshare, chroot, veth, a memory cgroup) beside a container.
    type: dict
    default: {}
    suboptions:
      container:
        description: The container started with the same memory limit (docker run --memory).
        type: str
        default: lab_scratch_limited
  observe:
    description:
      - Every scenario to observe, by name, with its options (as O(users) and the others take them), for example the
        C(observe) of the microlab.docker_internals.lab_scenario_plan filter or the fact C(lab_scenario_observe) of
        M(microlab.docker_internals.lab_input) with O(microlab.docker_internals.lab_input#module:scenarios).
      - When given, the scenarios observed are its keys, and O(scenarios) and the options named after a scenario
        are not used.
    type: dict
    default: {}
    version_added: 0.3.0
  images:
    description:
      - Image references the explanations show in the commands to repeat by hand (keys C(shell), C(nginx), C(curl)),
        usually C(lab_images_refs).
    type: dict
    default: {}
  language:
    description: Language of the evidence and explanations.
    type: str
    choices: [es, en]
    default: es
  outcomes:
    description: Outcomes recorded earlier in the run (C(lab_outcomes)); the new ones are merged into them.
    type: dict
    default: {}
extends_documentation_fragment:
  - microlab.docker_internals.fact_gatherer
notes:
  - The judgement rules are unit-tested with recorded observations (tests/unit/plugins/module_utils/test_lab_judge.py).
seealso:
  - module: microlab.docker_internals.netns_socket_facts
  - module: microlab.docker_internals.container_uid_facts
'''

EXAMPLES = r'''
- name: Observe and judge every scenario (what playbooks/verify.yml does)
  microlab.docker_internals.lab_observe:
    language: en
  become: true
  register: lab_seen

- name: Show what the student should look at
  ansible.builtin.debug:
    msg: "{{ lab_seen.explanations.network }}"

- name: Only the users scenario, with another UID, merged into earlier outcomes
  microlab.docker_internals.lab_observe:
    scenarios: [users]
    users:
      uid: 2000
      uid_container: lab_user_2000
    outcomes: "{{ lab_outcomes | default({}) }}"
  become: true
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host.
  returned: always
  type: dict
  contains:
    lab_outcomes:
      description: O(outcomes) updated with the outcomes of O(scenarios), by outcome id.
      returned: always
      type: dict
      sample:
        users_uid_matches: {status: pass, evidence: "lab_user_1234 pid 4242 (sleep infinity) runs as host UID 1234"}
      contains:
        status:
          description: V(pass) or V(fail).
          returned: always
          type: str
        evidence:
          description: What was seen, in O(language).
          returned: always
          type: str
failed_outcomes:
  description: The ids among O(scenarios)' outcomes that did not pass, sorted.
  returned: always
  type: list
  elements: str
  sample: [network_lonely_times_out]
failure:
  description: One sentence naming the scenarios and outcomes that did not pass, in O(language); empty when all passed.
  returned: always
  type: str
failures:
  description: By scenario with an outcome that did not pass, the sentence naming them, in O(language).
  returned: always
  type: dict
  sample: {network: "The network scenario did not pass: network_lonely_times_out"}
  version_added: 0.3.0
explanations:
  description: By scenario, what was done, what to look at, the commands, why, and the result, in O(language).
  returned: always
  type: dict
  sample: {users: "SCENARIO 1 - USERS AND UIDs\n..."}
observation:
  description:
    - What was read, as plain data (engine, containers, networks, processes, sockets, http, probes); the judgement
      is a function of this alone. Useful to see why an outcome failed.
  returned: always
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_explain, scenarios
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DEFAULT_DOCKER_HOST, DockerAPI


def failure_text(lang, names, failed):
    """One sentence naming the scenarios and the outcomes that did not pass, singular or plural as they are."""
    label = catalog.text(lang, 'word.scenario' if len(names) == 1 else 'word.scenarios', names=', '.join(names))
    key = 'err.outcome_failed' if len(failed) == 1 else 'err.outcomes_failed'
    return catalog.text(lang, key, scenarios=label, ids=', '.join(failed))


def observed(module, observe):
    """Option observe's scenarios with their options checked as the options of their names would be."""
    unknown = sorted(set(map(str, observe)) - set(scenarios.NAMES))
    if unknown:
        known = ', '.join(scenarios.NAMES)
        module.fail_json(msg='observe: no scenario called %s (scenarios: %s)' % (', '.join(unknown), known))
    checked = {}
    for name, options in observe.items():
        result = ArgumentSpecValidator(scenarios.argument_spec()[name]['options']).validate(options or {})
        if result.error_messages:
            module.fail_json(msg='observe.%s: %s' % (name, '; '.join(result.error_messages)))
        checked[name] = result.validated_parameters
    return checked


def main():
    argument_spec = dict(
        scenarios=dict(type='list', elements='str', choices=list(scenarios.NAMES), default=list(scenarios.NAMES)),
        images=dict(type='dict', default={}),
        language=dict(type='str', choices=['es', 'en'], default='es'),
        outcomes=dict(type='dict', default={}),
        docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST),
    )
    argument_spec.update(scenarios.argument_spec())
    argument_spec.update(observe=dict(type='dict', default={}))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    spec = dict((name, params[name]) for name in scenarios.NAMES)
    names = [unit.NAME for unit in scenarios.in_order(params['scenarios'])]
    if params['observe']:
        spec.update(observed(module, params['observe']))
        names = [unit.NAME for unit in scenarios.in_order(params['observe'])]
    api = DockerAPI(params['docker_host'], timeout=scenarios.api_timeout(spec))
    try:
        observation = scenarios.observe(spec, names, api)
    finally:
        api.close()
    results = scenarios.judge(observation, spec)
    outcomes = lab_explain.rendered_outcomes(params['language'], results)
    explanations = dict((name, lab_explain.explain(params['language'], name, spec, observation, outcomes,
                                                   params['images']))
                        for name in names)
    merged = dict(params['outcomes'])
    merged.update(outcomes)
    failed = scenarios.failed(results)
    failure = failure_text(params['language'], names, failed) if failed else ''
    by_scenario = dict((name, [oid for oid in scenarios.outcome_ids(spec, [name]) if oid in failed]) for name in names)
    failures = dict((name, failure_text(params['language'], [name], ids)) for name, ids in by_scenario.items() if ids)
    module.exit_json(changed=False, ansible_facts={'lab_outcomes': merged}, failed_outcomes=failed, failure=failure,
                     failures=failures, explanations=explanations, observation=observation)


if __name__ == '__main__':
    main()
