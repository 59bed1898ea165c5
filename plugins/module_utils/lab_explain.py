# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the student reads after a scenario: what was done, what to look at
(with the commands to see it by hand on this VM), why, and the result.

Every sentence comes from the catalogs (catalog.py); this module only puts
them in order. Standard library only.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.module_utils import lab_judge
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_observe import bridge_ip


def params_for(scenario, spec, observation, images):
    """The placeholders of one scenario's texts."""
    if scenario == 'users':
        users = spec['users']
        return {'root': users['root_container'], 'uid_container': users['uid_container'], 'uid': users['uid'],
                'remapped': users['remapped_container'], 'shell_image': images.get('shell', '?'),
                'share_dir': users.get('share_dir') or '?'}
    if scenario == 'nginx':
        return {'name': spec['nginx']['container'], 'port': spec['nginx']['port'],
                'nginx_image': images.get('nginx', '?')}
    network = spec['network']
    ip = bridge_ip((observation.get('containers') or {}).get(network['server']))
    return {'server': network['server'], 'network': network['name'], 'timeout': network['timeout'],
            'bridge_client': network['bridge_client'], 'lonely_client': network['lonely_client'],
            'url': 'http://%s/' % (ip or 'IP'), 'curl_image': images.get('curl', '?')}


def seen_in_clients(lang, spec, observation):
    """The clients' own view of their network and the UID their sleep runs as, from the observation."""
    network = spec['network']
    lines = []
    clients = (network['bridge_client'], network['lonely_client'])
    seen = [(client, ((observation.get('interfaces') or {}).get(client) or {}).get('ip_brief') or [])
            for client in clients]
    if any(found for client, found in seen):
        lines.append(catalog.text(lang, 'network.seen_inside'))
        lines += ['  %s: %s' % (client, line) for client, found in seen for line in found]
    for client in clients:
        processes = ((observation.get('processes') or {}).get(client) or {}).get('processes') or []
        if processes:
            first = processes[0]
            user = lab_judge.user_name(first.get('host_user'))
            image_user = ((observation.get('containers') or {}).get(client) or {}).get('user') or 'root'
            lines.append(catalog.text(lang, 'network.client_uid', client=client, uid=first['host_uid'],
                                      user=catalog.render(lang, user), image_user=image_user))
    return lines


def rendered_outcomes(lang, results):
    """{id: {'status', 'evidence' as text}}: the shape of lab_outcomes."""
    return dict((oid, {'status': result['status'], 'evidence': catalog.render(lang, result['evidence'])})
                for oid, result in results.items())


def explain(lang, scenario, spec, observation, outcomes, images):
    """The text of one scenario; outcomes as rendered_outcomes returns them."""
    params = params_for(scenario, spec, observation, images)

    def say(key):
        return catalog.text(lang, key, **params)

    lines = [say(scenario + '.title'),
             '%s %s' % (say('label.done'), say(scenario + '.done')),
             '%s %s' % (say('label.look'), say(scenario + '.look'))]
    lines += ['  ' + command for command in say(scenario + '.commands')]
    lines.append('%s %s' % (say('label.why'), say(scenario + '.why')))
    if scenario == 'users' and spec['users'].get('userns_remap'):
        lines.append(say('users.userns'))
        lines += ['  ' + command for command in say('users.userns_commands')]
    if scenario == 'network':
        lines += seen_in_clients(lang, spec, observation)
    for part in ('notes', 'errata'):
        items = say(scenario + '.' + part)
        if items:
            lines.append(say('label.' + part))
            lines += ['  - ' + item for item in items]
    lines.append(say('label.result'))
    for oid in lab_judge.outcome_ids(spec, [scenario]):
        outcome = outcomes[oid]
        lines.append('  %s %s: %s' % (say('status.' + outcome['status']), oid, outcome['evidence']))
    return '\n'.join(lines)
