# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules on the roles' input that argument specs cannot express, in one table.

Argument specs (roles/*/meta/argument_specs.yml) say each variable's type and
choices; RULES says the rest: ranges, Docker names, names that must differ.
``problems(role, values, lang)`` returns the broken rules as sentences in the
student's language (catalog.py), empty when all hold. The action plugin
microlab.docker_internals.lab_input applies both.
"""

from __future__ import annotations

import json
import re

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog

DOCKER_NAME = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]*$')
RESERVED_NETWORKS = ('bridge', 'host', 'none', 'default')


def in_range(name, low, high):
    return ('range', name, low, high)


def container_name(*names):
    return ('container_name',) + names


def network_name(name):
    return ('network_name', name)


def distinct(*names):
    return ('distinct',) + names


def nonempty(*names):
    return ('nonempty',) + names


def absolute_path(name):
    return ('absolute_path', name)


def abs_path(*names):
    return ('abs_path',) + names


ABS_PATH = re.compile(r'^/[^\s\'"]*$')
ACCOUNT = re.compile(r'^[a-z_][a-z0-9_-]{0,31}$')


def group_name(*names):
    return ('group_name',) + names


RULES = {
    'lab_users': [
        in_range('lab_users_uid', 1, 65534),
        container_name('lab_users_root_container', 'lab_users_uid_container', 'lab_users_remapped_container'),
        distinct('lab_users_root_container', 'lab_users_uid_container', 'lab_users_remapped_container'),
        nonempty('lab_users_userns_remap_user'),
        absolute_path('lab_users_share_dir'),
    ],
    'lab_nginx': [
        container_name('lab_nginx_container'),
        in_range('lab_nginx_port', 1, 65535),
        in_range('lab_nginx_http_timeout', 1, 60),
    ],
    'lab_network': [
        network_name('lab_network_name'),
        container_name('lab_network_server', 'lab_network_bridge_client', 'lab_network_lonely_client'),
        distinct('lab_network_server', 'lab_network_bridge_client', 'lab_network_lonely_client'),
        in_range('lab_network_timeout', 1, 60),
    ],
    'lab_challenge': [
        in_range('lab_challenge_uid', 1, 65534),
        container_name('lab_challenge_server', 'lab_challenge_root_container', 'lab_challenge_uid_container',
                       'lab_challenge_bridge_client', 'lab_challenge_lonely_client'),
        distinct('lab_challenge_server', 'lab_challenge_root_container', 'lab_challenge_uid_container',
                 'lab_challenge_bridge_client', 'lab_challenge_lonely_client'),
        network_name('lab_challenge_network'),
        in_range('lab_challenge_timeout', 1, 60),
        in_range('lab_challenge_http_timeout', 1, 60),
        group_name('lab_challenge_group'),
        abs_path('lab_challenge_lib_dir', 'lab_challenge_command', 'lab_challenge_config', 'lab_challenge_state_dir'),
    ],
}


def _shown(value):
    return json.dumps(value, default=str, ensure_ascii=False)


def check(rule, values):
    """(catalog key, params) when the rule is broken, else None; several for a rule over several names."""
    kind, names = rule[0], rule[1:]
    if kind == 'range':
        name, low, high = names
        value = values.get(name)
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return [] if ok else [('input.range', {'name': name, 'low': low, 'high': high, 'value': _shown(value)})]
    if kind == 'container_name':
        return [('input.container_name', {'name': name, 'value': _shown(values.get(name))}) for name in names
                if not (isinstance(values.get(name), str) and DOCKER_NAME.match(values[name]))]
    if kind == 'network_name':
        value = values.get(names[0])
        ok = isinstance(value, str) and DOCKER_NAME.match(value) and value not in RESERVED_NETWORKS
        return [] if ok else [('input.network_name', {'name': names[0], 'value': _shown(value)})]
    if kind == 'distinct':
        given = [values.get(name) for name in names]
        ok = len(set(map(_shown, given))) == len(given)
        return [] if ok else [('input.distinct', {'names': ', '.join(names), 'value': _shown(given)})]
    if kind == 'nonempty':
        return [('input.nonempty', {'name': name, 'value': _shown(values.get(name))}) for name in names
                if not (isinstance(values.get(name), str) and values[name].strip())]
    if kind == 'absolute_path':
        value = values.get(names[0])
        ok = (isinstance(value, str) and value.startswith('/') and '\n' not in value and '..' not in value.split('/')
              and value.rstrip('/') not in ('', '/etc', '/root', '/usr', '/var', '/var/lib', '/tmp'))
        return [] if ok else [('input.absolute_path', {'name': names[0], 'value': _shown(value)})]
    if kind == 'abs_path':
        return [('input.abs_path', {'name': name, 'value': _shown(values.get(name))}) for name in names
                if not (isinstance(values.get(name), str) and ABS_PATH.match(values[name]))]
    if kind == 'group_name':
        return [('input.group_name', {'name': name, 'value': _shown(values.get(name))}) for name in names
                if not (isinstance(values.get(name), str) and ACCOUNT.match(values[name]))]
    raise ValueError('unknown input rule %r' % (kind,))


TEXT_TYPES = ('str', 'path')


def not_text(options, given, lang):
    """Text options given a list or a dict: argument specs would turn them into their repr, silently."""
    return [catalog.text(lang, 'input.text', name=name) for name, option in sorted(options.items())
            if option.get('type', 'str') in TEXT_TYPES and isinstance(given.get(name), (dict, list))]


def problems(role, values, lang):
    """The broken rules of one role as sentences in lang."""
    return [catalog.text(lang, key, **params) for rule in RULES.get(role, []) for key, params in check(rule, values)]
