# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab's own curl probe: `docker run --rm` of the lab's curl image (by ID), labelled, with no proxy.
Standard library only."""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_observe
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import PROBE_LABEL, PROBE_VALUE, labels_argv

PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'ALL_PROXY', 'NO_PROXY',
                   'http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'no_proxy')


def probe_image(config):
    """The lab's curl image by the ID recorded when the lab installed it (a tag can be moved by anyone)."""
    return (config.get('image_ids') or {}).get('curl') or config['images']['curl']


def probe_argv(config, network, url):
    """docker run of the lab's curl in network ('container:NAME' joins that container's network namespace).

    Labelled as the lab's, removed at once; no proxy reaches it: the docker CLI adds the proxies of
    ~/.docker/config.json to a container's environment only for variables not given, so each is given empty,
    and curl is told to ignore proxies anyway.
    """
    argv = ['docker', 'run', '--rm', '--network', network] + labels_argv('probe') + ['--label', '%s=%s' % (PROBE_LABEL, PROBE_VALUE)]
    for variable in PROXY_VARIABLES:
        argv += ['--env', variable + '=']
    return argv + ['--entrypoint', 'curl', probe_image(config)] + lab_observe.curl_argv(url, config['timeout'])[1:]


def probe(config, network, url, runner):
    """The result of the lab's curl from network to url."""
    try:
        rc, out, err = runner(probe_argv(config, network, url))
    except OSError as exc:
        return {'ran': False, 'url': url, 'error': str(exc)}
    if rc in (125, 126, 127):  # docker run itself failed
        return {'ran': False, 'url': url, 'error': err.strip() or 'docker run: %s' % rc}
    fields = out.split()
    return {'ran': True, 'url': url, 'rc': rc, 'http_code': fields[0] if fields else '',
            'time': fields[1] if len(fields) > 1 else '', 'stderr': err.strip()}
