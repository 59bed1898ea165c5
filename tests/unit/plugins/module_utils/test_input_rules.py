# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""input_rules for docker_host, lab_images and lab_students: each rule kind holds for the defaults and for
valid variants, and a broken rule is one sentence naming the variable, in both languages, never showing a
password hash or a key."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.microlab.docker_internals.plugins.action import lab_input
from ansible_collections.microlab.docker_internals.plugins.module_utils import input_rules

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
ROLES = ('docker_host', 'lab_images', 'lab_students', 'lab_class_services')
HASH = '$6$microlab$WUG08WGFxiAKcOl2frKVwuknRJJxM507elzUfa96sT4weSrFsr5QoEmJIe8/5yxYETQCG3X3nKzGGG2k9sP9M1'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdLq4Q6J5nUu0ed1yO8a2s1rQ0 ana@laptop'


def _defaults(role):
    with open(os.path.join(ROOT, 'roles', role, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        values = yaml.safe_load(handle)
    # The defaults that are templates (a roster column, $HOME), as the role would see them.
    values.update({'lab_students_name': 'ana', 'lab_students_password_hash': '', 'lab_students_authorized_key': '',
                   'lab_images_archive_dir': '/root/.cache/microlab/images',
                   'lab_class_services_archive_dir': '/root/.cache/microlab/images',
                   'lab_class_services_vars_file': '/root/.cache/microlab/class-services.yml'})
    return dict((name, value) for name, value in values.items() if name.startswith(role + '_'))


DEFAULTS = dict((role, _defaults(role)) for role in ROLES)


def problems(role, lang='en', **changes):
    return input_rules.problems(role, dict(DEFAULTS[role], **changes), lang)


@pytest.mark.parametrize('role', ROLES)
@pytest.mark.parametrize('lang', ['en', 'es'])
def test_the_defaults_break_no_rule(role, lang):
    assert input_rules.problems(role, DEFAULTS[role], lang) == []


@pytest.mark.parametrize('role', ROLES)
def test_every_rule_names_an_option_of_the_role(role):
    options = lab_input.load_options(role, 'main')
    for rule in input_rules.RULES[role]:
        args = [name for arg in rule[1:] for name in (arg if isinstance(arg, tuple) else [arg])]
        names = [arg for arg in args if isinstance(arg, str) and arg.startswith(role + '_')]
        assert names and all(name in options for name in names), rule


def test_the_image_roles_are_lab_images_roles():
    with open(os.path.join(ROOT, 'roles', 'lab_images', 'vars', 'main.yml'), encoding='utf-8') as handle:
        assert tuple(yaml.safe_load(handle)['lab_images_roles']) == input_rules.IMAGE_ROLES


VALID = [
    pytest.param('docker_host', {'docker_host_users': ['root', 'ana.b', '_x']}, id='accounts'),
    pytest.param('docker_host', {'docker_host_users': []}, id='accounts-none'),
    pytest.param('docker_host', {'docker_host_distro_packages': ['docker.io=20.10+dfsg1', 'iptables:amd64']},
                 id='apt-packages-versions'),
    pytest.param('docker_host', {'docker_host_docker_repo_url': 'https://mirror.lan:8443/docker/linux'}, id='repo-url'),
    pytest.param('docker_host', {'docker_host_start_timeout': 1, 'docker_host_apt_lock_timeout': 0}, id='at-least'),
    pytest.param('docker_host', {'docker_host_supervisor_pidfile': '/run/microlab/dockerd-1.pid'}, id='abs-path'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': ['unix:///var/run/docker.sock', 'fd://']}},
                 id='tls-local-sockets'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': 'unix:///run/d.sock'}}, id='tls-one-socket'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': ['tcp://0.0.0.0:2376'], 'tlsverify': True}},
                 id='tls-verified'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': ['tcp://127.0.0.1:2375']},
                                 'docker_host_allow_insecure_tcp': True}, id='tls-allowed'),
    pytest.param('docker_host', {'docker_host_docker_repo_url': 'http://mirror.lan/docker/linux',
                                 'docker_host_allow_insecure_key_url': True}, id='http-key-allowed'),
    pytest.param('lab_images', {'lab_images_build_suite': 'trixie', 'lab_images_build_mirror': 'https://deb.debian.org/debian/',
                                'lab_images_build_packages': ['nginx-light', 'libstdc++6', 'g++-12'],
                                'lab_images_build_dir': '/srv/microlab_images/'}, id='build'),
    pytest.param('lab_images', {'lab_images_build_mirror': 'file:///srv/mirror/debian'}, id='url-file'),
    pytest.param('lab_images', {'lab_images_build_mirror': 'http://[2001:db8::1]:3142/debian'}, id='url-ipv6'),
    pytest.param('lab_images', {'lab_images_archive_copy_throttle': 0, 'lab_images_apt_lock_timeout': 0}, id='zeros'),
    pytest.param('lab_students', {'lab_students_password_hash': HASH, 'lab_students_authorized_key': KEY,
                                  'lab_students_spare_seats': 2, 'lab_students_spare_password_hash': HASH},
                 id='credentials'),
    pytest.param('lab_students', {'lab_students_password_hash': '!', 'lab_students_spare_password_hash': '*'},
                 id='locked-hashes'),
    pytest.param('lab_students', {'lab_students_name': '_a-1', 'lab_students_spare_prefix': 'seat_',
                                  'lab_students_shell': '/usr/bin/zsh'}, id='names'),
    # Class services: addresses of the class registry and apt cache
    pytest.param('docker_host', {'docker_host_registry_mirrors': ['http://192.0.2.10:5000', 'https://mirror.lan/'],
                                 'docker_host_insecure_registries': ['192.0.2.10:5001', 'class.lan', '10.0.0.0/8',
                                                                     '[2001:db8::1]:5001'],
                                 'docker_host_apt_proxy': 'http://192.0.2.10:3142'}, id='class-services'),
    pytest.param('docker_host', {'docker_host_apt_proxy': 'http://[2001:db8::1]:3142/'}, id='apt-proxy-ipv6'),
    pytest.param('lab_images', {'lab_images_source': 'class', 'lab_images_class_timeout': 1,
                                'lab_images_class_refs': dict((role, '192.0.2.10:5001/microlab/lab-%s:bookworm' % role)
                                                              for role in input_rules.IMAGE_ROLES)}, id='class-refs'),
    pytest.param('lab_class_services', {'lab_class_services_address': '192.0.2.10', 'lab_class_services_mirror_port': 1,
                                        'lab_class_services_class_port': 65535,
                                        'lab_class_services_apt_cache_port': 8080}, id='class-ports'),
    pytest.param('lab_class_services', {'lab_class_services_address': '2001:db8::1',
                                        'lab_class_services_upstream': 'https://mirror.gcr.io/',
                                        'lab_class_services_namespace': 'class/2026-a',
                                        'lab_class_services_apt_debian_backend': 'http://deb.debian.org/debian/'},
                 id='class-ipv6-namespace-backend'),
    pytest.param('lab_class_services', {'lab_class_services_address': 'instructor.lan',
                                        'lab_class_services_data_dir': '/srv/microlab-class',
                                        'lab_class_services_start_timeout': 1,
                                        'lab_class_services_apt_lock_timeout': 0}, id='class-paths'),
    pytest.param('lab_class_services', {'lab_class_services_listen_address': '192.0.2.10',
                                        'lab_class_services_seed_port': 5555,
                                        'lab_class_services_apt_admin_password': 'Xy9!-_.~;#'}, id='class-listen'),
    pytest.param('lab_class_services', {'lab_class_services_listen_address': '2001:db8::1'}, id='class-listen-ipv6'),
    pytest.param('lab_class_services', {'lab_class_services_browser_terminal': True,
                                        'lab_class_services_browser_terminal_port': 4200,
                                        'lab_class_services_browser_terminal_hosts': [
                                            '192.0.2.11', '192.0.2.12:2222', 'vm3.class.lan', '[2001:db8::5]:22',
                                            '2001:db8::6']}, id='class-terminal'),
    pytest.param('lab_images', {'lab_images_class_refs': dict((role, '192.0.2.10:5001/microlab/lab-%s:bookworm' % role)
                                                              for role in input_rules.IMAGE_ROLES),
                                'lab_images_class_digests': {'shell': 'sha256:' + 'a' * 64}}, id='class-digests'),
]


@pytest.mark.parametrize('role, changes', VALID)
def test_valid_variants_break_no_rule(role, changes):
    assert problems(role, **changes) == []


# (role, changes, facts the sentence must say, texts it must not say)
BROKEN = [
    # mapping
    pytest.param('docker_host', {'docker_host_daemon_options': None}, ['docker_host_daemon_options', 'null'], [],
                 id='mapping-null'),
    # each_matches
    pytest.param('docker_host', {'docker_host_users': ['root', 'bad name']}, ['docker_host_users', 'bad name'], [],
                 id='accounts-space'),
    pytest.param('docker_host', {'docker_host_users': ['']}, ['docker_host_users', '[""]'], [], id='accounts-empty'),
    pytest.param('docker_host', {'docker_host_distro_packages': []}, ['docker_host_distro_packages', '[]'], [],
                 id='apt-packages-none'),
    pytest.param('docker_host', {'docker_host_docker_repo_packages': ['docker-ce;id']},
                 ['docker_host_docker_repo_packages', 'docker-ce;id'], [], id='apt-packages-semicolon'),
    pytest.param('lab_images', {'lab_images_build_packages': ['curl,wget']}, ['lab_images_build_packages', 'curl,wget'],
                 [], id='debian-packages-comma'),
    pytest.param('lab_images', {'lab_images_build_packages': ['--allow-unauthenticated']},
                 ['lab_images_build_packages'], [], id='debian-packages-option'),
    # matches
    pytest.param('docker_host', {'docker_host_docker_repo_url': 'ftp://x/linux'}, ['docker_host_docker_repo_url', 'ftp'],
                 [], id='repo-url-scheme'),
    pytest.param('lab_images', {'lab_images_build_suite': 'bookworm$(id)'}, ['lab_images_build_suite', '$(id)'], [],
                 id='suite-substitution'),
    pytest.param('lab_students', {'lab_students_name': 'Ana'}, ['lab_students_name', '"Ana"'], [], id='name-upper'),
    pytest.param('lab_students', {'lab_students_name': 'a' * 33}, ['lab_students_name'], [], id='name-long'),
    pytest.param('lab_students', {'lab_students_spare_prefix': '1walk'}, ['lab_students_spare_prefix', '1walk'], [],
                 id='prefix-digit'),
    pytest.param('lab_students', {'lab_students_spare_prefix': 'w' * 32}, ['lab_students_spare_prefix'], [],
                 id='prefix-too-long-with-1'),
    pytest.param('lab_students', {'lab_students_shell': 'bash'}, ['lab_students_shell', '"bash"'], [], id='shell'),
    # at_least
    pytest.param('docker_host', {'docker_host_start_timeout': 0}, ['docker_host_start_timeout', '1', '0'], [],
                 id='at-least-zero'),
    pytest.param('docker_host', {'docker_host_apt_lock_timeout': -1}, ['docker_host_apt_lock_timeout', '-1'], [],
                 id='at-least-negative'),
    pytest.param('lab_images', {'lab_images_archive_copy_throttle': True}, ['lab_images_archive_copy_throttle', 'true'],
                 [], id='at-least-bool'),
    pytest.param('lab_students', {'lab_students_spare_seats': -1}, ['lab_students_spare_seats', '-1'], [],
                 id='at-least-seats'),
    # url
    pytest.param('lab_images', {'lab_images_build_mirror': 'http://deb.debian.org/debian;touch /tmp/x'},
                 ['lab_images_build_mirror', 'http://, https://, file://'], [], id='url-semicolon'),
    pytest.param('lab_images', {'lab_images_build_mirror': "http://deb.debian.org/debian'"},
                 ['lab_images_build_mirror'], [], id='url-quote'),
    pytest.param('lab_images', {'lab_images_build_mirror': 'ftp://deb.debian.org/debian'}, ['lab_images_build_mirror'],
                 [], id='url-scheme'),
    # abs_path
    pytest.param('docker_host', {'docker_host_supervisor_pidfile': '/run/$(touch${IFS}/tmp/x).pid'},
                 ['docker_host_supervisor_pidfile', '/run/microlab-dockerd.pid'], [], id='abs-path-substitution'),
    pytest.param('docker_host', {'docker_host_supervisor_logfile': '/var/log/'}, ['docker_host_supervisor_logfile'], [],
                 id='abs-path-trailing-slash'),
    pytest.param('docker_host', {'docker_host_supervisor_logfile': '/var/log/`id`'}, ['docker_host_supervisor_logfile'],
                 [], id='abs-path-backquote'),
    pytest.param('lab_images', {'lab_images_build_dir': 'var/tmp/x'}, ['lab_images_build_dir', '/var/tmp/microlab-images'],
                 [], id='abs-path-relative'),
    pytest.param('lab_images', {'lab_images_build_dir': '/var/tmp/x\nid'}, ['lab_images_build_dir'], [],
                 id='abs-path-newline'),
    # hosts_need_tls
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': ['unix:///var/run/docker.sock',
                                                                          'tcp://0.0.0.0:2375']}},
                 ['docker_host_daemon_options.hosts', 'tcp://0.0.0.0:2375', 'docker_host_allow_insecure_tcp'],
                 ['/var/run/docker.sock'], id='tls-tcp'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': '0.0.0.0:2375'}}, ['0.0.0.0:2375'], [],
                 id='tls-host-port-text'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': ['tcp://0.0.0.0:2376'], 'tls': True}},
                 ['tcp://0.0.0.0:2376'], [], id='tls-without-verify'),
    pytest.param('docker_host', {'docker_host_daemon_options': {'hosts': ['tcp://h:2376'], 'tlsverify': 'true'}},
                 ['tcp://h:2376'], [], id='tls-verify-text'),
    # http_key_url
    pytest.param('docker_host', {'docker_host_docker_repo_url': 'http://download.docker.com/linux'},
                 ['docker_host_docker_repo_url', 'http://download.docker.com/linux',
                  'docker_host_allow_insecure_key_url'], [], id='http-key'),
    # dict_with_keys
    pytest.param('lab_images', {'lab_images_registry_refs': {'shell': 'debian:12'}},
                 ['lab_images_registry_refs', 'lab_images_build_refs', 'curl, nettools, nginx, shell'], [], id='dict-missing-keys'),
    pytest.param('lab_images', {'lab_images_build_refs': dict(DEFAULTS['lab_images']['lab_images_build_refs'], x='y')},
                 ['lab_images_build_refs'], [], id='dict-extra-key'),
    pytest.param('lab_images', {'lab_images_build_refs': None}, ['lab_images_build_refs', 'null'], [], id='dict-null'),
    # nonempty (lab_images' texts)
    pytest.param('lab_images', {'lab_images_archive_dir': ''}, ['lab_images_archive_dir', '""'], [],
                 id='nonempty-archive-dir'),
    # hash_or_empty, ssh_key_or_empty: the name only, never the value
    pytest.param('lab_students', {'lab_students_password_hash': 'hunter2'}, ['lab_students_password_hash', 'crypt(3)'],
                 ['hunter2'], id='hash-plain-password'),
    pytest.param('lab_students', {'lab_students_spare_password_hash': '$6$a b'}, ['lab_students_spare_password_hash'],
                 ['$6$a b'], id='hash-space'),
    pytest.param('lab_students', {'lab_students_authorized_key': '-----BEGIN OPENSSH PRIVATE KEY----- b3Blbn'},
                 ['lab_students_authorized_key'], ['BEGIN', 'b3Blbn'], id='ssh-key-private'),
    pytest.param('lab_students', {'lab_students_authorized_key': KEY + '\n' + KEY}, ['lab_students_authorized_key'],
                 ['AAAAC3'], id='ssh-key-two-lines'),
    # required_when
    pytest.param('lab_students', {'lab_students_spare_seats': 1},
                 ['lab_students_spare_password_hash', 'lab_students_spare_seats'], [], id='required-when-seats'),
    # Class services: values that reach daemon.json, apt's configuration and the services' files
    pytest.param('docker_host', {'docker_host_registry_mirrors': ['http://192.0.2.10:5000/v2']},
                 ['docker_host_registry_mirrors', '/v2'], [], id='mirror-path'),
    pytest.param('docker_host', {'docker_host_registry_mirrors': ['http://a b:5000']},
                 ['docker_host_registry_mirrors', 'a b'], [], id='mirror-space'),
    pytest.param('docker_host', {'docker_host_registry_mirrors': '192.0.2.10:5000'},
                 ['docker_host_registry_mirrors'], [], id='mirror-not-a-list'),
    pytest.param('docker_host', {'docker_host_insecure_registries': ['192.0.2.10:5001;id']},
                 ['docker_host_insecure_registries', ';id'], [], id='insecure-semicolon'),
    pytest.param('docker_host', {'docker_host_insecure_registries': ['http://192.0.2.10:5001']},
                 ['docker_host_insecure_registries'], [], id='insecure-scheme'),
    pytest.param('docker_host', {'docker_host_apt_proxy': 'https://192.0.2.10:3142'},
                 ['docker_host_apt_proxy', 'https://'], [], id='apt-proxy-https'),
    pytest.param('docker_host', {'docker_host_apt_proxy': 'http://192.0.2.10:3142"; id #'},
                 ['docker_host_apt_proxy'], [], id='apt-proxy-quote'),
    pytest.param('lab_images', {'lab_images_class_refs': {'shell': 'x:1'}}, ['lab_images_class_refs', 'curl, nettools'],
                 [], id='class-refs-keys'),
    pytest.param('lab_images', {'lab_images_class_refs': dict((role, 'h:5001/a b:1') for role in input_rules.IMAGE_ROLES)},
                 ['lab_images_class_refs'], [], id='class-refs-space'),
    pytest.param('lab_images', {'lab_images_source': 'class'}, ['lab_images_class_refs', 'lab_images_source', 'class'], [],
                 id='class-refs-required'),
    pytest.param('lab_images', {'lab_images_class_timeout': 0}, ['lab_images_class_timeout'], [], id='class-timeout'),
    pytest.param('lab_class_services', {'lab_class_services_class_port': 5000},
                 ['lab_class_services_mirror_port', 'lab_class_services_apt_cache_port', '5000'], [], id='ports-same'),
    pytest.param('lab_class_services', {'lab_class_services_apt_cache_port': 70000},
                 ['lab_class_services_apt_cache_port', '65535'], [], id='port-range'),
    pytest.param('lab_class_services', {'lab_class_services_address': '192.0.2.10 $(id)'},
                 ['lab_class_services_address', '$(id)'], [], id='address-substitution'),
    pytest.param('lab_class_services', {'lab_class_services_upstream': 'https://registry-1.docker.io/library'},
                 ['lab_class_services_upstream', '/library'], [], id='upstream-path'),
    pytest.param('lab_class_services', {'lab_class_services_apt_debian_backend': 'http://deb.debian.org/debian x'},
                 ['lab_class_services_apt_debian_backend'], [], id='backend-space'),
    pytest.param('lab_class_services', {'lab_class_services_namespace': 'Microlab'},
                 ['lab_class_services_namespace', 'Microlab'], [], id='namespace-upper'),
    pytest.param('lab_class_services', {'lab_class_services_data_dir': '/var/lib/x y'},
                 ['lab_class_services_data_dir', '/var/lib/microlab-class'], [], id='data-dir-space'),
    pytest.param('lab_class_services', {'lab_class_services_vars_file': ''}, ['lab_class_services_vars_file'], [],
                 id='vars-file-empty'),
    pytest.param('lab_class_services', {'lab_class_services_listen_address': '0.0.0.0'},
                 ['lab_class_services_listen_address', '0.0.0.0'], [], id='listen-every-ipv4'),
    pytest.param('lab_class_services', {'lab_class_services_listen_address': '::'},
                 ['lab_class_services_listen_address', '"::"'], [], id='listen-every-ipv6'),
    pytest.param('lab_class_services', {'lab_class_services_listen_address': 'instructor.lan'},
                 ['lab_class_services_listen_address', 'instructor.lan'], [], id='listen-name'),
    pytest.param('lab_class_services', {'lab_class_services_seed_port': 5001},
                 ['lab_class_services_seed_port', '5001'], [], id='seed-port-same'),
    pytest.param('lab_class_services', {'lab_class_services_browser_terminal_port': 3142},
                 ['lab_class_services_browser_terminal_port', '3142'], [], id='terminal-port-same'),
    pytest.param('lab_class_services', {'lab_class_services_browser_terminal_hosts': ['192.0.2.11 -oProxyCommand=id']},
                 ['lab_class_services_browser_terminal_hosts', '-oProxyCommand=id'], [], id='terminal-host-option'),
    pytest.param('lab_class_services', {'lab_class_services_browser_terminal_hosts': ['192.0.2.11:22;id']},
                 ['lab_class_services_browser_terminal_hosts', ';id'], [], id='terminal-host-semicolon'),
    pytest.param('lab_class_services', {'lab_class_services_browser_terminal_hosts': '192.0.2.11'},
                 ['lab_class_services_browser_terminal_hosts'], [], id='terminal-hosts-not-a-list'),
    pytest.param('lab_class_services', {'lab_class_services_apt_admin_password': 'pass word:1'},
                 ['lab_class_services_apt_admin_password'], ['pass word:1', 'pass word'], id='admin-password-colon'),
    pytest.param('lab_class_services', {'lab_class_services_apt_admin_password': 'secret\nPort: 80'},
                 ['lab_class_services_apt_admin_password'], ['secret', 'Port: 80'], id='admin-password-newline'),
    pytest.param('lab_images', {'lab_images_class_digests': {'shell': 'sha256:' + 'a' * 64}},
                 ['lab_images_class_digests', 'lab_images_class_refs'], [], id='class-digests-without-refs'),
    pytest.param('lab_images', {'lab_images_class_refs': dict((role, 'h:5001/m/lab-%s:1' % role)
                                                              for role in input_rules.IMAGE_ROLES),
                                'lab_images_class_digests': {'shell': 'sha256:abc; id'}},
                 ['lab_images_class_digests', 'sha256:abc; id'], [], id='class-digests-short'),
    pytest.param('lab_images', {'lab_images_class_refs': dict((role, 'h:5001/m/lab-%s:1' % role)
                                                              for role in input_rules.IMAGE_ROLES),
                                'lab_images_class_digests': {'other': 'sha256:' + 'a' * 64}},
                 ['lab_images_class_digests', 'other'], [], id='class-digests-role'),
]


@pytest.mark.parametrize('role, changes, facts, secrets', BROKEN)
@pytest.mark.parametrize('lang', ['en', 'es'])
def test_one_broken_rule_is_one_sentence_in_the_language(lang, role, changes, facts, secrets):
    found = problems(role, lang, **changes)
    assert len(found) == 1, found
    for fact in facts:
        assert fact in found[0], (fact, found[0])
    for secret in secrets:
        assert secret not in found[0], (secret, found[0])
    assert ('must' in found[0] or 'is required' in found[0] or 'Anyone' in found[0] or 'swapped' in found[0]) \
        if lang == 'en' else ('tiene que' in found[0] or 'tienen que' in found[0] or 'obligatorio' in found[0] or 'Cualquiera' in found[0]
                              or 'cambiar en el camino' in found[0])


@pytest.mark.parametrize('lang, words', [('en', ['root on the VM', 'swapped in transit']),
                                         ('es', ['root en la VM', 'cambiar en el camino'])])
def test_the_security_rules_say_why(lang, words):
    found = problems('docker_host', lang, docker_host_daemon_options={'hosts': ['tcp://0.0.0.0:2375']},
                     docker_host_docker_repo_url='http://download.docker.com/linux')
    assert len(found) == 2
    assert words[0] in found[0] and words[1] in found[1]


@pytest.mark.parametrize('lang, expected', [
    ('en', 'lab_images_registry_refs and lab_images_build_refs must be YAML dicts with one image for each of curl, '
           'nettools, nginx, shell (got {"shell": "x"}, '),
    ('es', 'lab_images_registry_refs y lab_images_build_refs tienen que ser diccionarios de YAML con una imagen para '
           'cada uno de curl, nettools, nginx, shell (se recibió {"shell": "x"}, '),
])
def test_dict_with_keys_says_both_names_in_one_sentence(lang, expected):
    assert problems('lab_images', lang, lab_images_registry_refs={'shell': 'x'})[0].startswith(expected)


@pytest.mark.parametrize('given, kept', [
    ({'docker_host_daemon_options': 'userns-remap=default'}, 'userns-remap=default'),
    ({'docker_host_users': 'student'}, 'student'),
    ({'docker_host_users': ['student']}, ['student']),
    ({'docker_host_users': None}, ['converted']),
])
def test_as_given_keeps_a_text_given_for_a_list_or_dict(given, kept):
    options = lab_input.load_options('docker_host', 'main')
    name = list(given)[0]
    values = input_rules.as_given(options, given, {name: ['converted'] if given[name] is None else given[name]})
    assert values[name] == kept


@pytest.mark.parametrize('lang', ['en', 'es'])
def test_a_text_for_a_list_or_dict_breaks_the_rule_of_that_variable(lang):
    options = lab_input.load_options('docker_host', 'main')
    given = {'docker_host_users': 'student', 'docker_host_daemon_options': 'userns-remap=default'}
    converted = dict(DEFAULTS['docker_host'], docker_host_users=['student'],
                     docker_host_daemon_options={'userns-remap': 'default'})
    found = input_rules.problems('docker_host', input_rules.as_given(options, given, converted), lang)
    assert [sentence.split(' ')[0] for sentence in found] == ['docker_host_daemon_options', 'docker_host_users']
    assert '"student"' in found[1] and '"userns-remap=default"' in found[0]


def test_network_hosts_are_tcp_addresses_only():
    assert input_rules.network_hosts({'hosts': ['unix:///a', 'fd://', 'tcp://h:1', 'h:2']}) == ['tcp://h:1', 'h:2']
    assert input_rules.network_hosts({'hosts': 'h:2'}) == ['h:2']
    assert input_rules.network_hosts({}) == [] and input_rules.network_hosts(None) == []


def test_required_when_needs_nothing_without_seats():
    assert input_rules.check(input_rules.required_when('p', 'n'), {'p': '', 'n': 0}) == []
    assert input_rules.check(input_rules.required_when('p', 'n'), {'p': HASH, 'n': 3}) == []
    assert input_rules.check(input_rules.required_when('p', 'n'), {'p': '', 'n': 3}) == [
        ('input.required_when', {'name': 'p', 'count': 'n'})]


@pytest.mark.parametrize('given, expected', [
    ({'lab_students_name': ['ana']}, ['lab_students_name']),
    ({'lab_students_password_hash': {'a': HASH}}, ['lab_students_password_hash']),
    ({'lab_students_spare_seats': [1], 'lab_students_shell': '/bin/sh'}, []),
])
def test_a_list_or_dict_for_a_text_option_is_refused_by_name(given, expected):
    found = input_rules.text_problems(lab_input.load_options('lab_students', 'main'), given)
    assert found == [('input.text', {'name': name}) for name in expected]


def test_every_rule_of_every_role_has_its_check_declared():
    """A rule's kind is checked by the check_<kind> declared with @rule_check, and only by it."""
    kinds = set(rule[0] for rules in input_rules.RULES.values() for rule in rules)
    assert kinds <= set(input_rules.CHECKS)
    assert all(input_rules.CHECKS[kind].__name__ == 'check_' + kind for kind in input_rules.CHECKS)
