# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What each scenario makes: container and network specs, and what lab_observe looks at.

``inputs`` is a role's checked input as microlab.docker_internals.lab_input
returns it (``lab_users_input`` and so on: the variable names without the
role's prefix); ``images`` is ``lab_images_refs`` (keys shell, nginx, curl).
Container specs are community.docker.docker_container options plus
``network`` (empty for the default bridge). Standard library only.
"""

from __future__ import annotations

LAB_LABEL = 'microlab.lab'
LAB_VALUE = 'docker_internals'
SCENARIO_LABEL = 'microlab.lab.scenario'


def labels(scenario):
    """The labels of everything a scenario makes: reset and verify find exactly these."""
    return {LAB_LABEL: LAB_VALUE, SCENARIO_LABEL: scenario}


def sleeper(name, image, scenario, user=None, network='', userns_mode=''):
    """A container that only sleeps, so that a second run finds it unchanged."""
    spec = {'name': name, 'image': image, 'entrypoint': ['sleep'], 'command': ['infinity'], 'network': network,
            'labels': labels(scenario)}
    if user is not None:
        spec['user'] = user
    if userns_mode:
        spec['userns_mode'] = userns_mode
    return spec


SHARE_MOUNT = '/shared'


def writer(inputs, images, userns_mode):
    """The --user container: it writes a file through a bind mount of share_dir, then sleeps."""
    uid = str(inputs['uid'])
    spec = sleeper(inputs['uid_container'], images['shell'], 'users', user=uid, userns_mode=userns_mode)
    spec.update(entrypoint=['sh', '-c'],
                command=['touch %s/written-by-uid-%s && exec sleep infinity' % (SHARE_MOUNT, uid)],
                volumes=['%s:%s' % (inputs['share_dir'], SHARE_MOUNT)])
    return spec


def nginx_server(name, images):
    """The chapter's web_server: nginx in the foreground, no published port."""
    return {'name': name, 'image': images['nginx'], 'entrypoint': ['nginx'], 'command': ['-g', 'daemon off;'],
            'network': '', 'labels': labels('nginx')}


def container_specs(scenario, inputs, images):
    """The containers a scenario starts, in order."""
    if scenario == 'users':
        # With userns-remap on, the plain two opt out of it to still show 0 and the chapter's UID.
        host = 'host' if inputs['userns_remap'] else ''
        specs = [sleeper(inputs['root_container'], images['shell'], 'users', user='0', userns_mode=host),
                 writer(inputs, images, host)]
        if inputs['userns_remap']:
            specs.append(sleeper(inputs['remapped_container'], images['shell'], 'users', user='0'))
        return specs
    if scenario == 'nginx':
        return [nginx_server(inputs['container'], images)]
    if scenario == 'network':
        return [nginx_server(inputs['server'], images),
                sleeper(inputs['bridge_client'], images['curl'], 'network'),
                sleeper(inputs['lonely_client'], images['curl'], 'network', network=inputs['name'])]
    raise ValueError('unknown scenario %r' % (scenario,))


def network_specs(scenario, inputs):
    """The user-defined networks a scenario creates."""
    return [{'name': inputs['name'], 'labels': labels('network')}] if scenario == 'network' else []


OBSERVED = {
    'users': ('root_container', 'uid_container', 'uid', 'userns_remap', 'remapped_container', 'share_dir'),
    'nginx': ('container', 'port', 'http_timeout'),
    'network': ('name', 'server', 'bridge_client', 'lonely_client', 'timeout'),
}


def observe_options(scenario, inputs):
    """The lab_observe option of a scenario (users, nginx or network) from the role's input."""
    return dict((key, inputs[key]) for key in OBSERVED[scenario])
