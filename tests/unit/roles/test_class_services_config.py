# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""roles/lab_class_services: the registries' and apt-cacher-ng's configuration as the role renders it.

The role's registry list (vars/main.yml) and templates, rendered with Jinja as Ansible would, then read
back as the services read them (YAML for the registries, key: value lines for apt-cacher-ng): students
reach read-only registries on one address, and the only writer listens on 127.0.0.1. That the registry
binary and apt-cacher-ng behave so is shown from a student's VM in molecule/fleet/verify.yml.
"""

from __future__ import annotations

import json
import os

import jinja2
import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ROLE = os.path.join(ROOT, 'roles', 'lab_class_services')
INPUT = {'mirror_port': 5000, 'class_port': 5001, 'seed_port': 5002, 'apt_cache_port': 3142,
         'data_dir': '/var/lib/microlab-class', 'upstream': 'https://registry-1.docker.io'}


def environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROLE, 'templates')),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters['to_json'] = json.dumps
    return env


def registries(listen):
    with open(os.path.join(ROLE, 'vars', 'main.yml'), encoding='utf-8') as handle:
        listed = yaml.safe_load(handle)['lab_class_services_registries']
    context = {'lab_class_services_listen_shown': listen, 'lab_class_services_input': INPUT,
               'lab_class_services_upstream_answers': True}
    env = environment()
    return [dict((key, native(env.from_string(value).render(context)) if isinstance(value, str) else value)
                 for key, value in registry.items()) for registry in listed]


def native(text):
    """A rendered value as Ansible 2.19 keeps it: a port an int, a flag a bool, any other text as it is."""
    return int(text) if text.isdigit() else {'True': True, 'False': False}.get(text, text)


def rendered(item):
    text = environment().get_template('registry.yml.j2').render(
        item=item, ansible_managed='Ansible managed', lab_class_services_input=INPUT)
    return yaml.safe_load(text)


@pytest.mark.parametrize('listen', ['192.0.2.10', '[2001:db8::1]'])
def test_only_the_seed_side_writes_and_it_listens_on_loopback(listen):
    configs = dict((item['name'], rendered(item)) for item in registries(listen))
    assert sorted(configs) == ['class', 'mirror', 'seed']
    for name, config in configs.items():
        readonly = config['storage']['maintenance']['readonly']['enabled']
        assert readonly is (name != 'seed'), name
        assert config['storage']['delete'] == {'enabled': False}, name
    assert configs['seed']['http']['addr'] == '127.0.0.1:5002'
    assert configs['class']['http']['addr'] == '%s:5001' % listen
    assert configs['mirror']['http']['addr'] == '%s:5000' % listen
    assert configs['mirror']['proxy'] == {'remoteurl': 'https://registry-1.docker.io'}
    assert 'proxy' not in configs['class'] and 'proxy' not in configs['seed']


def test_the_two_sides_of_the_class_registry_share_one_storage_which_only_the_writer_purges():
    configs = dict((item['name'], rendered(item)) for item in registries('192.0.2.10'))
    root = configs['class']['storage']['filesystem']['rootdirectory']
    assert root == configs['seed']['storage']['filesystem']['rootdirectory'] == '/var/lib/microlab-class/registry-class'
    assert configs['mirror']['storage']['filesystem']['rootdirectory'] != root
    assert configs['class']['storage']['maintenance']['uploadpurging'] == {'enabled': False}
    # distribution 2.8 refuses an uploadpurging section that enables it without age and interval: the default.
    assert 'uploadpurging' not in configs['seed']['storage']['maintenance']


@pytest.mark.parametrize('listen', ['192.0.2.10', '[2001:db8::1]'])
def test_no_registry_listens_on_every_interface(listen):
    for item in registries(listen):
        host = rendered(item)['http']['addr'].rsplit(':', 1)[0]
        assert host not in ('', '0.0.0.0', '[::]', '::'), item['name']


def test_apt_cacher_ng_listens_on_the_class_address_and_guards_its_actions():
    env = environment()
    conf = env.get_template('acng-microlab.conf.j2').render(
        ansible_managed='Ansible managed', lab_class_services_input=INPUT, lab_class_services_listen='192.0.2.10')
    security = env.get_template('acng-security.conf.j2').render(
        ansible_managed='Ansible managed', lab_class_services_apt_admin_user='admin',
        lab_class_services_apt_admin='s3cret')
    settings = dict(line.split(': ', 1) for line in (conf + security).splitlines() if line and not line.startswith('#'))
    assert settings == {'Port': '3142', 'BindAddress': '192.0.2.10', 'AdminAuth': 'admin:s3cret'}
