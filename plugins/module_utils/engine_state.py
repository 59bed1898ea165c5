# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a lab VM has against what docker_host and lab_images want, read in one call (lab_engine_facts).

Pure functions over text and stat results the module reads, so that each can be tested with recorded data.
"""
from __future__ import annotations

import hashlib
import stat

# setup's names for the distributions docker_host supports (ID in /etc/os-release -> ansible_facts.distribution).
DISTRIBUTIONS = {'debian': 'Debian', 'ubuntu': 'Ubuntu'}
# dpkg-query's format: one line per package asked for, with its state.
DPKG_FORMAT = '${Package}\t${db:Status-Status}\n'


def os_release(text, machine):
    """The ansible_facts subset docker_host uses, from /etc/os-release's text and uname's machine."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition('=')
        if sep:
            fields[key.strip()] = value.strip().strip('"\'')
    ident = fields.get('ID', '')
    return {
        'distribution': DISTRIBUTIONS.get(ident, ident.capitalize()),
        'distribution_release': fields.get('VERSION_CODENAME', ''),
        'distribution_version': fields.get('VERSION_ID', ''),
        'architecture': machine,
    }


def missing_packages(dpkg_output, packages):
    """The packages of `packages` that dpkg does not list as installed, in the order asked for."""
    installed = set()
    for line in dpkg_output.splitlines():
        name, _sep, status = line.partition('\t')
        if status.strip() == 'installed':
            installed.add(name.split(':', 1)[0].strip())
    return [package for package in packages if package not in installed]


def file_differs(wanted, found, content=None):
    """Whether a path is not as wanted.

    wanted: {path, state (file|directory|absent), content, mode}; found: os.lstat()'s result or None when the
    path does not exist; content: the file's bytes when it is a regular file. A symbolic link is never what the
    lab wrote: it differs.
    """
    state = wanted.get('state', 'file')
    if found is None:
        return state != 'absent'
    if state == 'absent':
        return True
    kind = stat.S_ISDIR if state == 'directory' else stat.S_ISREG
    if not kind(found.st_mode) or found.st_uid != 0 or found.st_gid != 0:
        return True
    if wanted.get('mode') and stat.S_IMODE(found.st_mode) != int(wanted['mode'], 8):
        return True
    if state == 'file' and wanted.get('content') is not None:
        return hashlib.sha1(content or b'').digest() != hashlib.sha1(wanted['content'].encode('utf-8')).digest()
    return False


def group_members(group_text, group):
    """The accounts listed as members of `group` in /etc/group's text."""
    for line in group_text.splitlines():
        fields = line.split(':')
        if len(fields) >= 4 and fields[0] == group:
            return set(member for member in fields[3].split(',') if member)
    return set()


def short_reference(reference):
    """A reference as the engine lists it among RepoTags (without docker.io/ and docker.io/library/)."""
    for prefix in ('docker.io/library/', 'docker.io/'):
        if reference.startswith(prefix):
            return reference[len(prefix):]
    return reference


def images_named(images, references):
    """The images (Id, RepoTags, RepoDigests) of the engine's list that carry one of the references."""
    wanted = set(short_reference(reference) for reference in references)
    found = []
    for image in images or []:
        tags = [tag for tag in image.get('RepoTags') or [] if isinstance(tag, str)]
        if wanted.intersection(short_reference(tag) for tag in tags):
            found.append({'Id': image.get('Id', ''), 'RepoTags': tags,
                          'RepoDigests': [digest for digest in image.get('RepoDigests') or [] if isinstance(digest, str)]})
    return found
