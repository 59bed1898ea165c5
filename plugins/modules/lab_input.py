#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: lab_input
short_description: Check a role's input once and return it with real types
version_added: 0.2.0
description:
  - Validates the variables of one of the collection's roles against the role's own argument spec
    (C(roles/<role>/meta/argument_specs.yml)), converting them to their declared types, so that
    C(-e lab_users_userns_remap=true) on the command line (always a string) becomes a real boolean and
    C(-e lab_nginx_port=8080) a real integer.
  - Then applies the rules argument specs cannot express (ranges, Docker names, names that must differ),
    kept in one table, C(plugins/module_utils/input_rules.py).
  - Fails before anything changes, with every problem at once, in the role's language (es or en).
  - Returns the values as the fact C(<role>_input), keyed by the variable's name without the role's prefix
    (C(lab_users_uid) becomes C(lab_users_input.uid)); the roles read their input only from there.
  - Runs on the controller only (no connection to the host), so checking again costs almost nothing.
author:
  - microlab.docker_internals contributors (@microlab)
options:
  role:
    description:
      - The roles whose input to check, for example V(lab_users) or V([lab_users, lab_nginx]).
      - Each role's C(defaults/main.yml) is read as the role would, so this works inside or outside the role.
    type: list
    elements: str
    required: true
  entry_point:
    description: The entry point of the role's argument spec.
    type: str
    default: main
  scenarios:
    description:
      - Also check the role of every scenario (the units in C(plugins/module_utils/scenarios/)), and return what
        M(microlab.docker_internals.lab_observe) reads of each as the fact C(lab_scenario_observe), its option
        O(microlab.docker_internals.lab_observe#module:observe), and each scenario's whole input as the fact
        C(lab_scenario_every_input) (what C(playbooks/lab.yml) gives the role C(microlab.docker_internals.lab_scenario)).
    type: bool
    default: false
    version_added: 0.3.0
attributes:
  action:
    support: full
    description: Runs on the controller.
  check_mode:
    support: full
    description: Only reads variables.
  diff_mode:
    support: none
    description: Nothing is changed.
  facts:
    support: full
    description: Returns C(ansible_facts.<role>_input).
  platform:
    support: full
    platforms: all
    description: Any target; nothing runs on it.
'''

EXAMPLES = r'''
- name: Check the users scenario's input (lab_users_input.uid is an int even from -e)
  microlab.docker_internals.lab_input:
    role: lab_users

- name: Use it
  ansible.builtin.debug:
    msg: "UID {{ lab_users_input.uid + 1 }}"
'''

RETURN = r'''
ansible_facts:
  description: Each role's input with real types, as C(<role>_input).
  returned: success
  type: dict
  sample: {lab_users_input: {uid: 1234, userns_remap: false, root_container: lab_user_root, language: es}}
  contains:
    lab_scenario_observe:
      description: With O(scenarios), each scenario's options as M(microlab.docker_internals.lab_observe) reads them.
      returned: when O(scenarios) is true
      type: dict
      sample: {nginx: {container: web_server, port: 80, http_timeout: 5}}
      version_added: 0.3.0
    lab_scenario_every_input:
      description: With O(scenarios), each scenario's input (its role's C(<role>_input)), by scenario, in the chapter's order.
      returned: when O(scenarios) is true
      type: dict
      sample: {nginx: {container: web_server, port: 80, http_timeout: 5, language: es, fail_on_outcome: true}}
      version_added: 0.3.0
problems:
  description: Every broken rule, as sentences in the role's language.
  returned: failure
  type: list
  elements: str
'''
