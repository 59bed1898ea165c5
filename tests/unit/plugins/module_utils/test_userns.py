# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs, userns

IDENTITY = [{'inside': 0, 'outside': 0, 'count': 4294967295}]
REMAPPED = [{'inside': 0, 'outside': 100000, 'count': 65536}]
SPLIT = [{'inside': 0, 'outside': 1000, 'count': 1}, {'inside': 1, 'outside': 200000, 'count': 65535}]


@pytest.mark.parametrize('id_map, expected', [(IDENTITY, True), (REMAPPED, False), (SPLIT, False), ([], False)])
def test_is_identity(id_map, expected):
    assert userns.is_identity(id_map) is expected


@pytest.mark.parametrize('id_map, outside, inside', [
    (IDENTITY, 1234, 1234),
    (IDENTITY, 0, 0),
    (REMAPPED, 100000, 0),
    (REMAPPED, 101234, 1234),
    (REMAPPED, 165535, 65535),
    (REMAPPED, 165536, None),   # one past the range
    (REMAPPED, 99999, None),
    (REMAPPED, 0, None),        # host root is not mapped into a remapped container
    (SPLIT, 1000, 0),
    (SPLIT, 200000, 1),
    (SPLIT, 200032, 33),
    (SPLIT, 1001, None),
])
def test_to_inside(id_map, outside, inside):
    assert userns.to_inside(id_map, outside) == inside


@pytest.mark.parametrize('id_map, inside, outside', [
    (REMAPPED, 0, 100000), (REMAPPED, 65535, 165535), (REMAPPED, 65536, None), (SPLIT, 0, 1000), (SPLIT, 2, 200001),
    (IDENTITY, 0, 0),
])
def test_to_outside(id_map, inside, outside):
    assert userns.to_outside(id_map, inside) == outside


@pytest.mark.parametrize('outside, owner', [
    (100000, 'alice'), (165535, 'alice'), (165536, 'dockremap'), (231071, 'dockremap'), (231072, None),
    (0, None), (None, None),
])
def test_subordinate_owner(fixture_text, outside, owner):
    ranges = procfs.parse_subid(fixture_text('subuid.txt'))
    assert userns.subordinate_owner(ranges, outside) == owner
