# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class's browser terminal: which SSH servers it may reach, and the known_hosts that says so.

Pure functions, standard library only, used through the filters in plugins/filter/lab_class_services.py.
webssh, run with ``--policy=reject``, refuses before any connection a host:port that has no entry in its
known_hosts file, so that file is the terminal's allow-list: the class's VMs, nothing else.

- ``terminal_targets``: the VMs' SSH addresses, given or read from the inventory's students' VMs.
- ``known_hosts``: the known_hosts text from ``ssh-keyscan``'s answers. A VM's answer is untrusted text
  (its student is root there): only well-formed keys of known types are kept, each under the address the
  instructor named, never under a name the answer gives.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Mapping

from ansible_collections.microlab.docker_internals.plugins.module_utils.class_services import ClassServicesError

DEFAULT_SSH_PORT = 22
HOST_NAME = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\Z')
# The key types OpenSSH's ssh-keyscan prints (ssh-keyscan -t: rsa, ecdsa, ed25519 and their sk variants).
KEY_TYPES = frozenset(('ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384',
                       'ecdsa-sha2-nistp521', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'))
# A host key's base64 text: an RSA key of 16384 bits is about 2800 characters.
MAX_KEY_TEXT = 4096


def _host(text):
    """A host name or IP address (IPv6 without brackets), or ClassServicesError."""
    if not isinstance(text, str):
        raise ClassServicesError('not a host name or IP address: %r' % (text,))
    text = text.strip()
    bare = text[1:-1] if text.startswith('[') and text.endswith(']') else text
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        if HOST_NAME.match(bare) and not bare.replace('.', '').isdigit():
            return bare.lower()
    raise ClassServicesError('not a host name or IP address: %r' % (text,))


def _port(value):
    if isinstance(value, bool) or not str(value).isdigit() or not 1 <= int(value) <= 65535:
        raise ClassServicesError('not a port from 1 to 65535: %r' % (value,))
    return int(value)


def _target(text):
    """'host', 'host:port', '[v6]:port' or a bare IPv6 address -> (host, port)."""
    if not isinstance(text, str):
        raise ClassServicesError('not a host or host:port: %r' % (text,))
    text = text.strip()
    if text.startswith('[') and ']:' in text:
        host, port = text[1:].split(']:', 1)
    elif text.count(':') == 1:
        host, port = text.split(':')
    else:
        host, port = text, DEFAULT_SSH_PORT
    return _host(host), _port(port)


def _entry(host, port):
    """The host's name in known_hosts, as webssh looks it up: host on port 22, [host]:port elsewhere."""
    return host if port == DEFAULT_SSH_PORT else '[%s]:%d' % (host, port)


def terminal_targets(given, vms=()):
    """[{host, port, entry}], sorted and without repeats: the SSH servers the browser terminal may reach.

    given is the instructor's list ('192.0.2.11', '192.0.2.12:2222', '[2001:db8::5]:22'); when it is empty,
    vms, the students' VMs from the inventory (their hostvars: ansible_host, else inventory_hostname, and
    ansible_port, 22 without one). Anything else than a host and a port is refused: it would reach
    a configuration file and the terminal's allow-list.
    """
    if not isinstance(given, (list, tuple)):
        raise ClassServicesError('the terminal hosts must be a list, got %r' % (given,))
    if given:
        pairs = [_target(item) for item in given]
    else:
        pairs = []
        for vm in vms or ():
            if not isinstance(vm, Mapping):
                raise ClassServicesError('a VM must be its host variables, got %r' % (vm,))
            host = vm.get('ansible_host') or vm.get('inventory_hostname')
            pairs.append((_host(host), _port(vm.get('ansible_port') or DEFAULT_SSH_PORT)))
    return [{'host': host, 'port': port, 'entry': _entry(host, port)} for host, port in sorted(set(pairs))]


def _key_line(line):
    """(type, base64) of one line of ssh-keyscan's output, or None for a comment or anything malformed."""
    fields = line.split()
    if len(fields) != 3 or fields[1] not in KEY_TYPES or len(fields[2]) > MAX_KEY_TEXT:
        return None
    try:
        blob = base64.b64decode(fields[2], validate=True)
    except (binascii.Error, ValueError):
        return None
    # The key blob starts with its own type, as an SSH string (RFC 4253 6.6).
    kind = fields[1].encode('ascii')
    if blob[:4] != len(kind).to_bytes(4, 'big') or blob[4:4 + len(kind)] != kind:
        return None
    return fields[1], fields[2]


def known_hosts(scans):
    """{'text': the known_hosts file, 'missing': [entries without a key]} from a registered loop of ssh-keyscan.

    scans is the loop's result: results with item (a terminal_targets entry) and stdout. Each key is written
    under the item's entry, whatever host the answer names; lines are sorted, so the same keys make the
    same file. A VM that gave no well-formed key is in missing: its student cannot connect until a later run
    reads its keys.
    """
    results = scans.get('results') if isinstance(scans, dict) else None
    if not isinstance(results, list):
        raise ClassServicesError('the scans must be a registered loop, got %r' % (scans,))
    lines, missing = set(), []
    for result in results:
        item = result.get('item') if isinstance(result, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get('entry'), str):
            raise ClassServicesError('a scan must name its terminal_targets entry, got %r' % (result,))
        stdout = result.get('stdout')
        keys = [_key_line(line) for line in (stdout if isinstance(stdout, str) else '').splitlines()]
        keys = [key for key in keys if key]
        if not keys:
            missing.append(item['entry'])
        lines.update('%s %s %s' % (item['entry'], kind, text) for kind, text in keys)
    return {'text': ''.join(line + '\n' for line in sorted(lines)), 'missing': sorted(missing)}
