# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A sentence of the lab's catalogs in the student's language, for the few texts YAML prints itself."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog


def lab_text(key, lang, **params):
    """catalog.text(lang, key, **params), with a filter error for an unknown key or language."""
    try:
        return catalog.text(lang, key, **params)
    except (catalog.CatalogError, KeyError) as exc:
        raise AnsibleFilterError('lab_text: %s' % exc)


class FilterModule:
    """The lab's catalogs."""

    def filters(self):
        return {'lab_text': lab_text}
