# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The table of bad inputs: built from every role's meta/argument_specs.yml, so a new variable is
covered the day it is added. Each option gets a value of the wrong type, an empty string, an
unknown choice (options with choices) and out-of-range numbers (RANGES, from the specs' descriptions).
"""

from __future__ import annotations

import os

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = ['docker_host', 'lab_images', 'lab_users', 'lab_nginx', 'lab_network', 'lab_files', 'lab_overlay', 'lab_scratch',
         'lab_reset', 'lab_students', 'lab_report', 'lab_challenge', 'lab_class_services']

WRONG_TYPE = {
    'int': 'many',
    'float': 'many',
    'bool': 'maybe',
    'list': {'not': 'a list'},
    'dict': ['not a dict'],
    'str': {'not': 'a string'},
    'path': ['not', 'a path'],
    # raw options take any type; their input rule refuses text where a table is expected.
    'raw': 'ten points a step',
}

# Numbers outside what each integer option accepts (see its description in argument_specs.yml).
RANGES = {
    'lab_class_services_mirror_port': [0, 65536],
    'lab_class_services_class_port': [0],
    'lab_class_services_apt_cache_port': [65536],
    'lab_class_services_seed_port': [0, 65536],
    'lab_class_services_start_timeout': [0],
    'lab_class_services_apt_lock_timeout': [-1],
    'docker_host_start_timeout': [0, -5],
    'docker_host_apt_lock_timeout': [-1],
    'lab_images_apt_lock_timeout': [-1],
    'lab_images_archive_copy_throttle': [-1],
    'lab_users_uid': [0, 65535],
    'lab_files_uid': [0, 65535],
    'lab_files_other_uid': [0, 65535],
    'lab_nginx_port': [0, 65536],
    'lab_nginx_http_timeout': [0, 61],
    'lab_network_timeout': [0, 61],
    'lab_students_spare_seats': [-1],
    'lab_report_refresh': [-1],
    'lab_report_stuck_minutes': [0],
    'lab_report_hints_per_step': [0],
    'lab_challenge_uid': [0, 65535],
    'lab_challenge_timeout': [0, 61],
    'lab_challenge_http_timeout': [0, 61],
}


# Options whose empty string is a documented, valid value (not bad input): no password, no key.
VALID_EMPTY = {'lab_students_password_hash', 'lab_students_authorized_key', 'lab_students_spare_password_hash',
               'lab_report_mode', 'lab_report_title', 'lab_report_session_start', 'lab_report_session_end',
               'lab_class_services_address',
               'lab_class_services_apt_debian_backend', 'docker_host_apt_proxy',
               'lab_class_services_listen_address', 'lab_class_services_apt_admin_password'}


# Bad values that are not about a type: names that point at nothing.
EXTRA = [
    ('lab_report', 'lab_report_hosts', 'unknown host', ['no-such-vm']),
    ('docker_host', 'docker_host_users', 'unknown account', ['no-such-account-xyz']),
]


# Values of the right type that must not reach a shell or open the VM: each was
# accepted before, and the shell ones ran their command (`bookworm$(touch /tmp/x)` made /tmp/x).
IMPLAUSIBLE = [
    ('lab_report', 'lab_report_session_start', 'not the report\'s time format', '2026-11-25 10:00'),
    ('lab_report', 'lab_report_session_start', 'markup', '2026-11-25T10:00:00Z"><img src=x>'),
    ('lab_images', 'lab_images_build_suite', 'command substitution', 'bookworm$(touch /tmp/microlab-pwned)'),
    ('lab_images', 'lab_images_build_suite', 'upper case and space', 'Bookworm main'),
    ('lab_images', 'lab_images_build_mirror', 'command after semicolon', 'http://deb.debian.org/debian;touch /tmp/x'),
    ('lab_images', 'lab_images_build_mirror', 'quote', "http://deb.debian.org/debian'"),
    ('lab_images', 'lab_images_build_mirror', 'space', 'http://deb.debian.org/debian extra'),
    ('lab_images', 'lab_images_build_packages', 'command substitution', ['curl', 'nginx-light$(touch /tmp/x)']),
    ('lab_images', 'lab_images_build_packages', 'comma', ['curl,wget']),
    ('lab_images', 'lab_images_build_packages', 'option', ['--allow-unauthenticated']),
    ('lab_images', 'lab_images_build_dir', 'newline', '/var/tmp/x\ntouch /tmp/x'),
    ('lab_images', 'lab_images_build_dir', 'relative path', 'var/tmp/microlab-images'),
    ('lab_images', 'lab_images_build_dir', 'command substitution', '/var/tmp/$(touch /tmp/x)'),
    ('docker_host', 'docker_host_supervisor_pidfile', 'command substitution', '/run/$(touch${IFS}/tmp/x).pid'),
    ('docker_host', 'docker_host_supervisor_pidfile', 'newline', '/run/x.pid\nid'),
    ('docker_host', 'docker_host_supervisor_logfile', 'double quote', '/var/log/a";id;"'),
    ('docker_host', 'docker_host_supervisor_logfile', 'backquote', '/var/log/`id`'),
    ('docker_host', 'docker_host_daemon_options', 'unauthenticated tcp',
     {'hosts': ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375']}),
    ('docker_host', 'docker_host_daemon_options', 'bare host:port', {'hosts': ['0.0.0.0:2375']}),
    ('docker_host', 'docker_host_daemon_options', 'tls without verify', {'hosts': ['tcp://0.0.0.0:2376'], 'tls': True}),
    ('docker_host', 'docker_host_docker_repo_url', 'http key', 'http://download.docker.com/linux'),
    # Class services: a student on the class network must not reach a write or admin path.
    ('lab_class_services', 'lab_class_services_listen_address', 'every interface', '0.0.0.0'),
    ('lab_class_services', 'lab_class_services_listen_address', 'every interface, IPv6', '::'),
    ('lab_class_services', 'lab_class_services_apt_admin_password', 'newline', 'pw\nPassThroughPattern: .*'),
    ('lab_images', 'lab_images_class_digests', 'command substitution', {'shell': 'sha256:$(id)'}),
]


def spec_options(role):
    with open(os.path.join(REPO, 'roles', role, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['argument_specs']['main'].get('options') or {}


def cases():
    """(role, variable, kind, value) for every option of every role's main entry point."""
    table = []
    for role in ROLES:
        for name, option in sorted(spec_options(role).items()):
            kind = option.get('type', 'str')
            table.append((role, name, 'wrong type', WRONG_TYPE[kind]))
            if name not in VALID_EMPTY:
                table.append((role, name, 'empty string', ''))
            if option.get('choices'):
                table.append((role, name, 'unknown choice', 'klingon'))
            for value in RANGES.get(name, []):
                table.append((role, name, 'out of range', value))
    return table + EXTRA + IMPLAUSIBLE


def case_id(case):
    role, name, kind, value = case
    return '%s-%s-%s' % (name, kind.replace(' ', '_'), value if isinstance(value, int) else '')
