# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""uid_map / gid_map arithmetic and subordinate-range lookup."""

from __future__ import annotations

FULL_RANGE = 4294967295


def is_identity(id_map):
    """True when a map is the initial namespace's '0 0 4294967295'."""
    return id_map == [{'inside': 0, 'outside': 0, 'count': FULL_RANGE}]


def to_inside(id_map, outside_id):
    """The id inside the namespace for a host (outside) id, or None when unmapped."""
    for entry in id_map:
        if entry['outside'] <= outside_id < entry['outside'] + entry['count']:
            return outside_id - entry['outside'] + entry['inside']
    return None


def to_outside(id_map, inside_id):
    """The host (outside) id for an id inside the namespace, or None when unmapped."""
    for entry in id_map:
        if entry['inside'] <= inside_id < entry['inside'] + entry['count']:
            return inside_id - entry['inside'] + entry['outside']
    return None


def subordinate_owner(ranges, outside_id):
    """Owner of the /etc/subuid range that contains a host id, or None."""
    if outside_id is None:
        return None
    for entry in ranges:
        if entry['start'] <= outside_id < entry['start'] + entry['count']:
            return entry['owner']
    return None
