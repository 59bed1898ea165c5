# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules on the roles' input that argument specs cannot express, in one table.

Argument specs (roles/*/meta/argument_specs.yml) say each variable's type and
choices; RULES says the rest: ranges, Docker names, names that must differ. A
scenario role's rules are declared by its unit (scenarios/<name>.py, RULES).
``problems(role, values, lang)`` returns the broken rules as sentences in the
student's language (catalog.py), empty when all hold. The action plugin
microlab.docker_internals.lab_input applies both.
"""

from __future__ import annotations

import ipaddress
import json
import re

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, lab_scoring, scenarios

DOCKER_NAME = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]*$')
RESERVED_NETWORKS = ('bridge', 'host', 'none', 'default')
# Roles the teacher runs (the VM, its images, the accounts): their messages are in English unless
# lab_language says otherwise; the scenarios speak the course's language, es, to the students.
OPERATOR_ROLES = ('docker_host', 'lab_images', 'lab_students', 'lab_class_services')
# The images every scenario can ask for (roles/lab_images/vars/main.yml: lab_images_roles).
IMAGE_ROLES = ('curl', 'nettools', 'nginx', 'shell')
# The inventory's host names (and localhost), added to a role's values by lab_input for in_inventory.
INVENTORY_KEY = '__inventory_hosts'


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


def at_least(name, low):
    return ('at_least', name, low)


def matches(name, pattern, key, suffix=''):
    """A text matching PATTERNS[pattern] (with suffix appended first: a prefix of a name), said by catalog key."""
    return ('matches', name, pattern, key, suffix)


def each_matches(name, pattern, key, nonempty=False):
    """A list of texts, each matching PATTERNS[pattern]; with nonempty, at least one."""
    return ('each_matches', name, pattern, key, nonempty)


def mapping(name):
    return ('mapping', name)


def url(name, schemes):
    """A URL of one of the schemes, of characters that mean nothing to a shell."""
    return ('url', name, tuple(schemes))


def abs_path(name, example, trailing_slash=False):
    """An absolute path of letters, digits and . _ - + / only."""
    return ('abs_path', name, example, trailing_slash)


def hosts_need_tls(options, allow):
    """dict options' hosts listen on no TCP address without "tlsverify": true, unless bool allow."""
    return ('hosts_need_tls', options, allow)


def http_key_url(name, allow):
    """URL name, where a signing key is read, is not plain http://, unless bool allow."""
    return ('http_key_url', name, allow)


def hash_or_empty(*names):
    return ('hash_or_empty',) + names


def ssh_key_or_empty(*names):
    return ('ssh_key_or_empty',) + names


def required_when(name, count):
    """Text name is not empty when the integer count is above 0."""
    return ('required_when', name, count)


def dict_with_keys(names, keys):
    """Each of names is a dict with exactly the keys; one sentence for them all."""
    return ('dict_with_keys', tuple(names), tuple(sorted(keys)))


ACCOUNT = re.compile(r'^[a-z_][a-z0-9_-]{0,31}$')


def in_inventory(name):
    """A list of inventory host names, each in the play's inventory (lab_input adds INVENTORY_KEY)."""
    return ('in_inventory', name)


def above_zero(name):
    """A number (integer or not) above 0."""
    return ('above_zero', name)


def group_name(*names):
    return ('group_name',) + names


def different(*names):
    """Values (ports, say) that must all differ."""
    return ('different',) + names


def image_refs_or_empty(name, keys):
    """An empty dict, or one with exactly the keys, each an image reference by tag of no shell characters."""
    return ('image_refs_or_empty', name, tuple(sorted(keys)))


def listen_address_or_empty(name):
    """Empty, or one IP address of the machine: never 0.0.0.0 or :: (every interface)."""
    return ('listen_address_or_empty', name)


def secret_or_empty(name):
    """Empty, or a password of printable characters without spaces or colons; refused by name only."""
    return ('secret_or_empty', name)


def digests_or_empty(name, refs):
    """A dict {role: sha256 digest} whose roles are among the dict refs' keys (empty: pull by tag)."""
    return ('digests_or_empty', name, refs)


def required_for(name, other, value):
    """name is not empty (a text, list or dict) when other is value."""
    return ('required_for', name, other, value)


def scoring_table(name):
    """A scoring table of the class's grades (lab_scoring.problems)."""
    return ('scoring_table', name)


def one_of(name, choices):
    """One of the texts choices, said in the student's language (an argument spec's choices would say it in English)."""
    return ('one_of', name, tuple(choices))


def later_than(name, other):
    """UTC time name is later than UTC time other, when both are given (same format: text order is time order)."""
    return ('later_than', name, other)


RULES = {
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
        abs_path('lab_challenge_lib_dir', '/usr/local/lib/microlab'),
        abs_path('lab_challenge_command', '/usr/local/bin/lab'),
        abs_path('lab_challenge_config', '/etc/microlab/lab.json'),
        abs_path('lab_challenge_state_dir', '/var/lib/microlab'),
        abs_path('lab_challenge_recorder_dir', '/var/lib/microlab-recorder'),
        abs_path('lab_challenge_recorder_command', '/usr/local/sbin/microlab-lab-recorder'),
        # The students' group writes the state directory: the record is root's alone.
        distinct('lab_challenge_state_dir', 'lab_challenge_recorder_dir'),
    ],
    # Values that reach apt, daemon.json and the supervisor script, and settings that would hand the VM to
    # anyone on the network. Whether docker_host_users exist is asked of the VM (tasks/check-users.yml).
    'docker_host': [
        mapping('docker_host_daemon_options'),
        each_matches('docker_host_users', 'docker_account', 'input.accounts'),
        each_matches('docker_host_distro_packages', 'apt_package', 'input.apt_packages', nonempty=True),
        each_matches('docker_host_docker_repo_packages', 'apt_package', 'input.apt_packages', nonempty=True),
        matches('docker_host_docker_repo_url', 'repo_url', 'input.repo_url'),
        at_least('docker_host_start_timeout', 1),
        at_least('docker_host_apt_lock_timeout', 0),
        abs_path('docker_host_supervisor_pidfile', '/run/microlab-dockerd.pid'),
        abs_path('docker_host_supervisor_logfile', '/var/log/microlab-dockerd.log'),
        hosts_need_tls('docker_host_daemon_options', 'docker_host_allow_insecure_tcp'),
        http_key_url('docker_host_docker_repo_url', 'docker_host_allow_insecure_key_url'),
        # The class services (roles/lab_class_services): values that reach daemon.json and apt's configuration.
        each_matches('docker_host_registry_mirrors', 'registry_url', 'input.registry_mirrors'),
        each_matches('docker_host_insecure_registries', 'registry_host', 'input.insecure_registries'),
        matches('docker_host_apt_proxy', 'proxy_url_or_empty', 'input.apt_proxy'),
    ],
    # Every variable, whichever source uses it: a typo must not wait for the day someone switches to build or
    # archive. Values that reach debootstrap and the build directory look like what they are.
    'lab_images': [
        dict_with_keys(('lab_images_registry_refs', 'lab_images_build_refs'), IMAGE_ROLES),
        nonempty('lab_images_archive_dir', 'lab_images_build_dir', 'lab_images_build_mirror', 'lab_images_build_suite'),
        matches('lab_images_build_suite', 'debian_suite', 'input.debian_suite'),
        url('lab_images_build_mirror', ('http', 'https', 'file')),
        each_matches('lab_images_build_packages', 'debian_package', 'input.debian_packages', nonempty=True),
        abs_path('lab_images_build_dir', '/var/tmp/microlab-images', trailing_slash=True),
        at_least('lab_images_apt_lock_timeout', 0),
        at_least('lab_images_archive_copy_throttle', 0),
        image_refs_or_empty('lab_images_class_refs', IMAGE_ROLES),
        required_for('lab_images_class_refs', 'lab_images_source', 'class'),
        digests_or_empty('lab_images_class_digests', 'lab_images_class_refs'),
        at_least('lab_images_class_timeout', 1),
    ],
    # The instructor's machine: values that reach the registries' and apt-cacher-ng's configuration, the
    # supervisor script and the VMs' daemon.json.
    'lab_class_services': [
        matches('lab_class_services_address', 'address_or_empty', 'input.address'),
        listen_address_or_empty('lab_class_services_listen_address'),
        matches('lab_class_services_upstream', 'registry_url', 'input.registry_url'),
        matches('lab_class_services_apt_debian_backend', 'mirror_url_or_empty', 'input.apt_backend'),
        in_range('lab_class_services_mirror_port', 1, 65535),
        in_range('lab_class_services_class_port', 1, 65535),
        in_range('lab_class_services_apt_cache_port', 1, 65535),
        in_range('lab_class_services_seed_port', 1, 65535),
        in_range('lab_class_services_browser_terminal_port', 1, 65535),
        different('lab_class_services_mirror_port', 'lab_class_services_class_port',
                  'lab_class_services_apt_cache_port', 'lab_class_services_seed_port',
                  'lab_class_services_browser_terminal_port'),
        each_matches('lab_class_services_browser_terminal_hosts', 'ssh_target', 'input.ssh_targets'),
        secret_or_empty('lab_class_services_apt_admin_password'),
        abs_path('lab_class_services_data_dir', '/var/lib/microlab-class'),
        abs_path('lab_class_services_config_dir', '/etc/microlab-class'),
        abs_path('lab_class_services_log_dir', '/var/log/microlab-class'),
        abs_path('lab_class_services_run_dir', '/run/microlab-class'),
        matches('lab_class_services_namespace', 'registry_namespace', 'input.registry_namespace'),
        nonempty('lab_class_services_archive_dir', 'lab_class_services_vars_file'),
        at_least('lab_class_services_start_timeout', 1),
        at_least('lab_class_services_apt_lock_timeout', 0),
    ],
    'lab_report': [
        nonempty('lab_report_dir'),
        in_inventory('lab_report_hosts'),
        at_least('lab_report_refresh', 0),
        at_least('lab_report_stuck_minutes', 1),
        above_zero('lab_report_hints_per_step'),
        matches('lab_report_session_start', 'utc_time_or_empty', 'input.utc_time'),
        matches('lab_report_session_end', 'utc_time_or_empty', 'input.utc_time'),
        later_than('lab_report_session_end', 'lab_report_session_start'),
        scoring_table('lab_report_scoring'),
        one_of('lab_report_grades_identifier', ('username', 'email', 'idnumber')),
    ],
    # Names only, never the hashes or keys themselves: a wrong value may still be a password.
    'lab_students': [
        matches('lab_students_name', 'linux_account', 'input.student_name'),
        hash_or_empty('lab_students_password_hash', 'lab_students_spare_password_hash'),
        ssh_key_or_empty('lab_students_authorized_key'),
        at_least('lab_students_spare_seats', 0),
        matches('lab_students_spare_prefix', 'linux_account', 'input.account_prefix', suffix='1'),
        required_when('lab_students_spare_password_hash', 'lab_students_spare_seats'),
        matches('lab_students_shell', 'shell', 'input.shell'),
    ],
}
# Each scenario's role: the rules its unit declares (scenarios/<name>.py, RULES).
RULES.update((unit.ROLE, list(unit.RULES)) for unit in scenarios.UNITS)

# A host name or IPv4 address; an IPv6 address (bare, or in brackets in a URL).
HOST_NAME = r'[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?'
IPV6 = r'[0-9A-Fa-f]*:[0-9A-Fa-f:.]+'
HOST = r'(%s|\[%s\])' % (HOST_NAME, IPV6)
# The texts some rules expect, by name (matches, each_matches).
PATTERNS = {
    'docker_account': re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*$'),
    'linux_account': re.compile(r'^[a-z_][a-z0-9_-]{0,31}$'),
    'apt_package': re.compile(r'^[a-z0-9][a-z0-9+.:=-]*$'),
    'debian_package': re.compile(r'^[a-z0-9][a-z0-9+.-]+$'),
    'debian_suite': re.compile(r'^[a-z]+$'),
    'repo_url': re.compile(r'^https?://[^ /]+(/[^ ]*)?$'),
    'shell': re.compile(r'^/[^ ]+$'),
    # A registry's root URL: the distribution registry refuses a mirror or a proxy remoteurl with a path.
    'registry_url': re.compile(r'^https?://%s(:[0-9]{1,5})?/?$' % HOST),
    # Docker's insecure-registries: host[:port], or a CIDR range.
    'registry_host': re.compile(r'^%s(:[0-9]{1,5})?(/[0-9]{1,3})?$' % HOST),
    'proxy_url_or_empty': re.compile(r'^(http://%s(:[0-9]{1,5})?/?)?$' % HOST),
    'mirror_url_or_empty': re.compile(r'^(https?://%s(:[0-9]{1,5})?(/[A-Za-z0-9._~+-]+)*/?)?$' % HOST),
    # A UTC time as the report writes it (class_report's TIME_FORMAT), or empty.
    'utc_time_or_empty': re.compile(r'^(20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
                                    r'T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z)?$'),
    'address_or_empty': re.compile(r'^(%s|%s)?$' % (HOST_NAME, IPV6)),
    # An SSH server: host, host:port, [IPv6]:port or a bare IPv6 address.
    'ssh_target': re.compile(r'^(%s(:[0-9]{1,5})?|\[%s\]:[0-9]{1,5}|%s)$' % (HOST_NAME, IPV6, IPV6)),
    'registry_namespace': re.compile(r'^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$'),
}
# An image reference by tag, of characters that mean nothing to a shell.
IMAGE_REF = re.compile(r'^[A-Za-z0-9\[][A-Za-z0-9._/:\[\]-]*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$')
URL_CHARACTERS = r'[A-Za-z0-9._~:/?#@!*+,=%\[\]-]+'
PATH_PART = r'/[A-Za-z0-9._+-]+'
# apt-cacher-ng's AdminAuth is user:password on one line of its configuration.
ADMIN_PASSWORD = re.compile(r'^[!-9;-~]*\Z')
IMAGE_DIGEST = re.compile(r'^sha256:[0-9a-f]{64}\Z')
CRYPT_HASH = re.compile(r'^(\$[0-9a-z]+\$\S+|!|\*)?$')
SSH_KEY = re.compile(r'^((ssh|ecdsa|sk)-[a-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?)?$')
# dockerd reads "host:port" and tcp:// alike as TCP; unix:// and fd:// are local sockets.
LOCAL_SOCKET = re.compile(r'^(unix|fd)://')


def _shown(value):
    return json.dumps(value, default=str, ensure_ascii=False)


def _and(names):
    """'a, b and c' in the student's language, as evidence that catalog.render says."""
    return names[0] if len(names) == 1 else ('word.and', {'first': ', '.join(names[:-1]), 'second': names[-1]})


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text_matches(value, pattern):
    return isinstance(value, str) and bool(pattern.match(value))


CHECKS = {}
"""{kind: check}, filled by @rule_check: a rule is (kind, *arguments), checked by check_<kind>(values, *arguments)."""


def rule_check(function):
    """Declare check_<kind> as the check of the rules of that kind (the kind is the function's name)."""
    CHECKS[function.__name__[len('check_'):]] = function
    return function


@rule_check
def check_range(values, name, low, high):
    value = values.get(name)
    ok = _is_int(value) and low <= value <= high
    return [] if ok else [('input.range', {'name': name, 'low': low, 'high': high, 'value': _shown(value)})]


@rule_check
def check_container_name(values, *names):
    return [('input.container_name', {'name': name, 'value': _shown(values.get(name))}) for name in names
            if not _text_matches(values.get(name), DOCKER_NAME)]


@rule_check
def check_network_name(values, name):
    value = values.get(name)
    ok = _text_matches(value, DOCKER_NAME) and value not in RESERVED_NETWORKS
    return [] if ok else [('input.network_name', {'name': name, 'value': _shown(value)})]


@rule_check
def check_distinct(values, *names):
    given = [values.get(name) for name in names]
    ok = len(set(map(_shown, given))) == len(given)
    return [] if ok else [('input.distinct', {'names': ', '.join(names), 'value': _shown(given)})]


@rule_check
def check_nonempty(values, *names):
    return [('input.nonempty', {'name': name, 'value': _shown(values.get(name))}) for name in names
            if not (isinstance(values.get(name), str) and values[name].strip())]


@rule_check
def check_absolute_path(values, name):
    value = values.get(name)
    ok = (isinstance(value, str) and value.startswith('/') and '\n' not in value and '..' not in value.split('/')
          and value.rstrip('/') not in ('', '/etc', '/root', '/usr', '/var', '/var/lib', '/tmp'))
    return [] if ok else [('input.absolute_path', {'name': name, 'value': _shown(value)})]


@rule_check
def check_at_least(values, name, low):
    value = values.get(name)
    if _is_int(value) and value >= low:
        return []
    return [('input.at_least', {'name': name, 'low': low, 'value': _shown(value)})]


@rule_check
def check_matches(values, name, pattern, key, suffix):
    value = values.get(name)
    ok = isinstance(value, str) and bool(PATTERNS[pattern].match(value + suffix))
    return [] if ok else [(key, {'name': name, 'value': _shown(value)})]


@rule_check
def check_each_matches(values, name, pattern, key, nonempty):
    value = values.get(name)
    ok = (isinstance(value, list) and (len(value) > 0 or not nonempty)
          and all(_text_matches(item, PATTERNS[pattern]) for item in value))
    return [] if ok else [(key, {'name': name, 'value': _shown(value)})]


@rule_check
def check_mapping(values, name):
    value = values.get(name)
    return [] if isinstance(value, dict) else [('input.mapping', {'name': name, 'value': _shown(value)})]


@rule_check
def check_url(values, name, schemes):
    value = values.get(name)
    pattern = re.compile('^(%s)://%s$' % ('|'.join(map(re.escape, schemes)), URL_CHARACTERS))
    ok = _text_matches(value, pattern)
    return [] if ok else [('input.url', {'name': name, 'schemes': ', '.join(s + '://' for s in schemes),
                                         'value': _shown(value)})]


@rule_check
def check_abs_path(values, name, example, trailing_slash):
    value = values.get(name)
    pattern = re.compile('^(%s)+%s$' % (PATH_PART, '/?' if trailing_slash else ''))
    ok = _text_matches(value, pattern)
    return [] if ok else [('input.abs_path', {'name': name, 'example': example, 'value': _shown(value)})]


def network_hosts(options):
    """The TCP addresses among a daemon.json's hosts (a text or a list)."""
    hosts = options.get('hosts') if isinstance(options, dict) else None
    hosts = [] if hosts is None else [hosts] if isinstance(hosts, str) else hosts
    hosts = hosts if isinstance(hosts, list) else [hosts]
    return [str(host) for host in hosts if not LOCAL_SOCKET.match(str(host))]


@rule_check
def check_hosts_need_tls(values, name, allow):
    options = values.get(name)
    tcp = network_hosts(options)
    ok = not tcp or options.get('tlsverify') is True or values.get(allow) is True
    return [] if ok else [('input.hosts_need_tls', {'name': name, 'allow': allow, 'hosts': ', '.join(tcp)})]


@rule_check
def check_http_key_url(values, name, allow):
    value = values.get(name)
    ok = not (isinstance(value, str) and value.startswith('http://')) or values.get(allow) is True
    return [] if ok else [('input.http_key_url', {'name': name, 'allow': allow, 'value': _shown(value)})]


@rule_check
def check_hash_or_empty(values, *names):
    # The name only, never the value: a wrong value may still be a password.
    return [('input.crypt_hash', {'name': name}) for name in names if not _text_matches(values.get(name), CRYPT_HASH)]


@rule_check
def check_ssh_key_or_empty(values, *names):
    # The name only: a key line is someone's, and a wrong one may be a private key pasted by mistake.
    return [('input.ssh_key', {'name': name}) for name in names if not _text_matches(values.get(name), SSH_KEY)]


@rule_check
def check_required_when(values, name, count):
    needed = _is_int(values.get(count)) and values[count] > 0
    given = isinstance(values.get(name), str) and len(values[name]) > 0
    return [('input.required_when', {'name': name, 'count': count})] if needed and not given else []


@rule_check
def check_dict_with_keys(values, names, keys):
    given = [values.get(name) for name in names]
    ok = all(isinstance(value, dict) and sorted(value) == list(keys) for value in given)
    return [] if ok else [('input.dict_with_keys', {'names': _and(names), 'keys': ', '.join(keys),
                                                    'value': ', '.join(map(_shown, given))})]


@rule_check
def check_in_inventory(values, name):
    value = values.get(name)
    if not (isinstance(value, list) and all(isinstance(item, str) and item for item in value)):
        return [('input.host_list', {'name': name, 'value': _shown(value)})]
    unknown = [item for item in value if item not in values.get(INVENTORY_KEY, ())]
    return [('input.unknown_hosts', {'name': name, 'hosts': ', '.join(unknown)})] if unknown else []


@rule_check
def check_above_zero(values, name):
    value = values.get(name)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return [] if ok else [('input.above_zero', {'name': name, 'value': _shown(value)})]


@rule_check
def check_group_name(values, *names):
    return [('input.group_name', {'name': name, 'value': _shown(values.get(name))}) for name in names
            if not (isinstance(values.get(name), str) and ACCOUNT.match(values[name]))]


@rule_check
def check_different(values, *names):
    given = [values.get(name) for name in names]
    ok = len(set(map(_shown, given))) == len(given)
    return [] if ok else [('input.different', {'names': _and(list(names)), 'value': _shown(given)})]


@rule_check
def check_image_refs_or_empty(values, name, keys):
    value = values.get(name)
    ok = value == {} or (isinstance(value, dict) and sorted(value) == list(keys)
                         and all(_text_matches(ref, IMAGE_REF) for ref in value.values()))
    return [] if ok else [('input.image_refs', {'name': name, 'keys': ', '.join(keys), 'value': _shown(value)})]


@rule_check
def check_required_for(values, name, other, value):
    needed = values.get(other) == value
    given = isinstance(values.get(name), (str, list, dict)) and len(values[name]) > 0
    return [('input.required_for', {'name': name, 'other': other, 'value': value})] if needed and not given else []


@rule_check
def check_listen_address_or_empty(values, name):
    value = values.get(name)
    if value == '':
        return []
    try:
        ok = isinstance(value, str) and not ipaddress.ip_address(value).is_unspecified
    except ValueError:
        ok = False
    return [] if ok else [('input.listen_address', {'name': name, 'value': _shown(value)})]


@rule_check
def check_secret_or_empty(values, name):
    # The name only, never the value: a wrong value is still a password.
    return [] if _text_matches(values.get(name), ADMIN_PASSWORD) else [('input.admin_password', {'name': name})]


@rule_check
def check_digests_or_empty(values, name, refs):
    value, roles = values.get(name), values.get(refs)
    ok = isinstance(value, dict) and all(
        isinstance(roles, dict) and role in roles and _text_matches(digest, IMAGE_DIGEST)
        for role, digest in value.items())
    return [] if ok else [('input.image_digests', {'name': name, 'refs': refs, 'value': _shown(value)})]


@rule_check
def check_scoring_table(values, name):
    return lab_scoring.problems(values.get(name), name)


@rule_check
def check_one_of(values, name, choices):
    value = values.get(name)
    ok = isinstance(value, str) and value in choices
    return [] if ok else [('input.one_of', {'name': name, 'choices': ', '.join(choices), 'value': _shown(value)})]


@rule_check
def check_later_than(values, name, other):
    end, start = values.get(name), values.get(other)
    given = all(_text_matches(value, PATTERNS['utc_time_or_empty']) and value for value in (end, start))
    return [('input.later_than', {'name': name, 'other': other, 'value': end, 'start': start})] if given and end <= start else []


def check(rule, values):
    """[(catalog key, params)] of the broken parts of one rule (several for a rule over several names)."""
    try:
        function = CHECKS[rule[0]]
    except KeyError:
        raise ValueError('unknown input rule %r' % (rule[0],))
    return function(values, *rule[1:])


CONTAINERS = {'list': list, 'dict': dict}


def as_given(options, given, values):
    """values, with a list or dict option that was given as something else (text) back as given.

    An argument spec turns "a=b" into a dict and "a" into a list; the rules then see what the user
    wrote, so that it is refused as not a YAML list or dict rather than read in a way nobody meant.
    """
    values = dict(values)
    for name, option in options.items():
        kind = CONTAINERS.get(option.get('type'))
        if kind and name in given and given[name] is not None and not isinstance(given[name], kind):
            values[name] = given[name]
    return values


def text_problems(options, given):
    """A list or dict given for a text option (str, path): the argument spec would make a text of it."""
    return [('input.text', {'name': name}) for name, option in options.items()
            if option.get('type', 'str') in ('str', 'path') and isinstance(given.get(name), (list, dict))]


def problems(role, values, lang):
    """The broken rules of one role as sentences in lang."""
    return [catalog.render(lang, problem) for rule in RULES.get(role, []) for problem in check(rule, values)]
