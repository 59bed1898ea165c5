# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab's words in each language: ``text(lang, key, **params)``.

One catalog module per language (catalog_es.py, catalog_en.py); a new
language is one new file plus its line in LANGUAGES. Standard library only:
the `lab` command on the student's VM imports this too.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog_en, catalog_es

LANGUAGES = {'es': catalog_es.MESSAGES, 'en': catalog_en.MESSAGES}
DEFAULT_LANGUAGE = 'es'

# Go templates for `docker inspect -f`, given to every text so that catalogs
# never need literal braces.
GO_TEMPLATES = {
    'go_pid': '{{.State.Pid}}',
    'go_ip': '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
    'go_subnet': '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}',
    'go_ip_old': '{{.NetworkSettings.IPAddress}}',
    'go_upper': '{{.GraphDriver.Data.UpperDir}}',
    'go_lower': '{{.GraphDriver.Data.LowerDir}}',
}


class Refused(Exception):
    """What the lab will not do, already said in the student's language (a module fails with this text alone)."""


class CatalogError(Exception):
    """An unknown language or key: a bug of the lab, not of the student."""


def messages(lang):
    """The catalog of one language."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        raise CatalogError('unknown language %r: use one of %s' % (lang, ', '.join(sorted(LANGUAGES))))


def text(lang, key, **params):
    """One message, formatted; a list message comes back as a list of formatted lines."""
    try:
        template = messages(lang)[key]
    except KeyError:
        raise CatalogError('no message %r in language %r' % (key, lang))
    values = dict(GO_TEMPLATES, **params)
    if isinstance(template, list):
        return [line.format(**values) for line in template]
    return template.format(**values)


def render(lang, evidence):
    """Evidence as the judge returns it: a (key, params) pair, nested pairs in params rendered first.

    The key ``list`` joins its ``items`` with its ``separator`` (default ", ").
    """
    key, params = evidence
    if key == 'list':
        return params.get('separator', ', ').join(render(lang, item) for item in params['items'])
    return text(lang, key, **dict((name, render(lang, value) if _is_evidence(value) else value)
                                  for name, value in params.items()))


def _is_evidence(value):
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict)
