# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import socket

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import inet


@pytest.mark.parametrize('family, raw, expected', [
    (socket.AF_INET, b'\x00\x00\x00\x00', '0.0.0.0'),
    (socket.AF_INET, b'\x7f\x00\x00\x01' + b'\x00' * 12, '127.0.0.1'),
    (socket.AF_INET6, b'\x00' * 16, '::'),
    (socket.AF_INET6, b'\x00' * 15 + b'\x01', '::1'),
    (socket.AF_INET6, b'\x00' * 10 + b'\xff\xff' + b'\xac\x11\x00\x02', '172.17.0.2'),
    (socket.AF_INET6, bytes.fromhex('fe800000000000000042acfffe110002'), 'fe80::42:acff:fe11:2'),
    (socket.AF_INET6, bytes.fromhex('20010db8000000000000000000000001'), '2001:db8::1'),
])
def test_format_address(family, raw, expected):
    assert inet.format_address(family, raw) == expected


@pytest.mark.parametrize('proto, family, protocol, fam', [
    ('tcp', socket.AF_INET, 'tcp', 'ipv4'),
    ('tcp', socket.AF_INET6, 'tcp6', 'ipv6'),
    ('udp', socket.AF_INET, 'udp', 'ipv4'),
    ('udp', socket.AF_INET6, 'udp6', 'ipv6'),
])
def test_protocol_and_family_names(proto, family, protocol, fam):
    assert inet.protocol_name(proto, family) == protocol
    assert inet.family_name(family) == fam


@pytest.mark.parametrize('state, name', [(10, 'LISTEN'), (7, 'UNCONN'), (1, 'ESTAB'), (6, 'TIME-WAIT'), (99, '99')])
def test_state_name(state, name):
    assert inet.state_name(state) == name
