#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: lab_report_files
short_description: Write the class report's files on the controller in one task
version_added: 0.3.0
description:
  - Creates the report directory when it is missing and writes each file given, whole or not at all (a new
    file takes the old one's place by rename, so a symbolic link at that name is replaced, never followed),
    with mode C(0644).
  - Runs in the controller's Ansible process (an action plugin, no module process per file); the report of
    C(verify.yml) is one task instead of one C(file), C(copy) and C(template) task with a module run each.
  - Reports a change when a file's content or mode changed or the directory was made.
author:
  - microlab.docker_internals contributors (@microlab)
options:
  dir:
    description: Directory on the controller; made with mode C(0755) when missing.
    type: path
    required: true
  files:
    description: File names (no directory part) and their whole text.
    type: dict
    required: true
attributes:
  action:
    support: full
    description: Runs on the controller.
  check_mode:
    support: full
    description: Writes nothing and reports a change.
  diff_mode:
    support: none
    description: No diff is shown.
  platform:
    support: full
    platforms: posix
    description: The controller.
'''

EXAMPLES = r'''
- name: Write report.json and report.html
  microlab.docker_internals.lab_report_files:
    dir: ./lab-report
    files:
      report.json: "{{ lab_report_class | to_nice_json(indent=2) }}\n"
      report.html: "{{ lookup('ansible.builtin.template', 'page.html.j2') }}"
'''

RETURN = r'''
dir:
  description: The directory, with C(~) expanded.
  returned: always
  type: str
paths:
  description: The paths of the files written.
  returned: always
  type: list
  elements: str
'''
