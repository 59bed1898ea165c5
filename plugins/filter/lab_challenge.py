# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `lab` command's settings (lab.json) from the lab_challenge role's checked input."""

from __future__ import annotations

import posixpath

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge.steps import DEFAULT_CONFIG

IMAGE_ROLES = ('shell', 'nginx', 'curl')


def image_ids(images, found):
    """{role: image ID} of the lab's images, from docker_image_info's images (matched by tag or digest)."""
    ids = {}
    for role in IMAGE_ROLES:
        ident = next((entry.get('Id') for entry in found or []
                      if images[role] in (entry.get('RepoTags') or []) + (entry.get('RepoDigests') or [])), None)
        if not ident:
            raise AnsibleFilterError('lab_challenge_settings: the %s image %s is not on the VM' % (role, images[role]))
        ids[role] = ident
    return ids


def lab_challenge_settings(values, images, found):
    """lab.json: language, the chapter's names and UID, the images on this VM and their IDs, timeouts,
    the history's and the recorded runs' paths.

    found: docker_image_info's images for the references in images; the lab's probes run its images by these IDs,
    which nobody on the VM can move, unlike a tag.
    """
    missing = [role for role in IMAGE_ROLES if not (images or {}).get(role)]
    if missing:
        raise AnsibleFilterError('lab_challenge_settings: lab_images_refs has no image for %s' % ', '.join(missing))
    return {
        'language': values['language'],
        'uid': int(values['uid']),
        'port': 80,
        'timeout': int(values['timeout']),
        'http_timeout': int(values['http_timeout']),
        # Every container the scenarios name: the role's own variables, the units' defaults for the rest.
        'names': dict(DEFAULT_CONFIG['names'], **{
            'server': values['server'],
            'network': values['network'],
            'root_container': values['root_container'],
            'uid_container': values['uid_container'],
            'bridge_client': values['bridge_client'],
            'lonely_client': values['lonely_client'],
        }),
        'images': dict((role, images[role]) for role in IMAGE_ROLES),
        'image_ids': image_ids(images, found),
        'progress': posixpath.join(values['state_dir'], 'progress.json'),
        'runs': posixpath.join(values['recorder_dir'], 'runs.json'),
    }


class FilterModule:
    """Challenge mode."""

    def filters(self):
        return {'lab_challenge_settings': lab_challenge_settings}
