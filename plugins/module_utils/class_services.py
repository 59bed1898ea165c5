# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Class services: the decisions behind roles/lab_class_services and the VMs that use it.

Pure functions, standard library only, used through the filters in plugins/filter/lab_class_services.py:

- ``seed_plan``: which name each image of the class archive gets in the class registry. The name keeps
  what the image is (our offline build, ``lab-shell:bookworm``) under the class's namespace; it never
  pretends to be an upstream image.
- ``class_refs``: the full references the VMs pull, ``HOST:PORT/microlab/lab-shell:bookworm``.
- ``endpoints`` and ``vm_vars``: what the services machine offers, and the variables a VM needs to use it.
- ``daemon_options``: daemon.json with the class's registry mirrors and insecure registries merged in.
- ``image_registry``: the registry part of an image reference, as Docker reads it.
- ``class_pull_error``: why the class registry did not give the images, from the probe and the pulls.
- ``listen_address``: the one address the services listen on (never every interface).
- ``seed_digests``: each seeded image's manifest digest, from the registry's answers.
- ``class_pulls``: which class images a VM pulls, by digest where the seed knows it.
"""

from __future__ import annotations

import ipaddress
import re

DOCKER_HUB = 'docker.io'
DIGEST = re.compile(r'^sha256:[0-9a-f]{64}\Z')


class ClassServicesError(ValueError):
    """Input these functions cannot make sense of: a bug of the caller, said plainly."""


def split_reference(ref):
    """'registry/path/name:tag' -> (registry or '', 'path/name', 'tag'); the tag defaults to latest.

    A first component is a registry when it has a dot or a colon or is localhost (Docker's rule).
    Digest references (name@sha256:...) are refused: the class registry is seeded by tag.
    """
    if not isinstance(ref, str) or not ref or '@' in ref or any(c.isspace() for c in ref):
        raise ClassServicesError('not an image reference by tag: %r' % (ref,))
    first, slash, rest = ref.partition('/')
    if slash and ('.' in first or ':' in first or first == 'localhost'):
        registry, path = first, rest
    else:
        registry, path = '', ref
    name, colon, tag = path.rpartition(':')
    if not colon or '/' in tag:
        name, tag = path, 'latest'
    if not name or not tag:
        raise ClassServicesError('not an image reference by tag: %r' % (ref,))
    return registry, name, tag


def image_registry(ref):
    """The registry an engine asks for ref: its first component when that names a registry, else docker.io."""
    return split_reference(ref)[0] or DOCKER_HUB


def class_pull_error(probe, pulls=None):
    """Why the class registry did not give the images, in the words of what failed; '' when it did.

    probe is the registered result of asking ``/v2/`` (ansible.builtin.uri: status, msg); pulls the
    registered loop of docker_image_pull (results: item, a class_pulls entry or a reference, and image on
    success or msg on failure),
    or None when no pull was tried because the probe failed. The probe's failure comes first: no
    pull is tried when the registry does not answer. Failed pulls are named, with the first one's
    error (they usually share it).
    """
    probe = probe if isinstance(probe, dict) else {}
    if probe.get('status') not in (200, 401):
        return str(probe.get('msg') or 'no answer')
    results = pulls.get('results') or [] if isinstance(pulls, dict) else []
    failed = [r for r in results if isinstance(r, dict) and 'image' not in r]
    if not failed:
        return ''
    return '%s: %s' % (', '.join(_pulled(r.get('item', '?')) for r in failed), failed[0].get('msg') or 'no answer')


def _pulled(item):
    """What a pull asked for: a class_pulls entry's pull reference, or the reference itself."""
    return str(item.get('pull', '?')) if isinstance(item, dict) else str(item)


def seed_plan(archive_refs, namespace):
    """[{role, source, repository, tag, name}] for the archive's {role: reference}, sorted by role.

    source is the reference inside the archive (skopeo's docker-archive:FILE:source); name is
    repository:tag in the class registry: the archive image's last path component under namespace.
    """
    if not isinstance(archive_refs, dict):
        raise ClassServicesError('the archive refs must be a dict {role: reference}, got %r' % (archive_refs,))
    if not isinstance(namespace, str) or not namespace.strip('/'):
        raise ClassServicesError('namespace must be a non-empty text, got %r' % (namespace,))
    plan = []
    for role in sorted(archive_refs):
        source = archive_refs[role]
        dummy, path, tag = split_reference(source)
        repository = '%s/%s' % (namespace.strip('/'), path.rsplit('/', 1)[-1])
        plan.append({'role': role, 'source': source, 'repository': repository, 'tag': tag,
                     'name': '%s:%s' % (repository, tag)})
    return plan


def class_refs(plan, registry):
    """{role: 'registry/repository:tag'} of a seed plan in the registry (host:port) the VMs reach."""
    if not isinstance(registry, str) or not registry or '/' in registry or any(c.isspace() for c in registry):
        raise ClassServicesError('registry must be host:port, got %r' % (registry,))
    return dict((item['role'], '%s/%s' % (registry, item['name'])) for item in plan)


def endpoints(host, mirror_port, class_port, apt_port, plan=(), mirror=True, digests=None):
    """What the class services machine offers, as the fact lab_class_services.

    images are the seed plan's images by their full reference in the class registry (empty without a plan);
    digests their manifest digests where the seed read them (seed_digests), for the roles of images only;
    registry_mirror is None when the pull-through cache does not run (mirror false: its upstream does not
    answer); an IPv6 address is put in brackets wherever a port follows it.
    """
    if not isinstance(host, str) or not host:
        raise ClassServicesError('the services address must be a host name or address, got %r' % (host,))
    shown = '[%s]' % host if ':' in host else host
    registry = '%s:%d' % (shown, int(class_port))
    images = class_refs(plan or [], registry)
    return {
        'registry_mirror': 'http://%s:%d' % (shown, int(mirror_port)) if mirror else None,
        'class_registry': registry,
        'apt_proxy': 'http://%s:%d' % (shown, int(apt_port)),
        'images': images,
        'digests': dict((role, digest) for role, digest in sorted((digests or {}).items()) if role in images),
    }


def vm_vars(services):
    """The variables with which docker_host and lab_images use the class services on a VM.

    The class registry is plain http, so it is an insecure registry for the engine; the mirror is
    listed too, so `docker pull HOST:5000/library/debian` works as well as the mirror itself.
    lab_images_class_refs is left out when the class registry holds no lab image, and the mirror when it
    does not run.
    """
    mirror = services.get('registry_mirror')
    mirror_hosts = [mirror.split('://', 1)[1].rstrip('/')] if mirror else []
    found = {
        'docker_host_registry_mirrors': [mirror] if mirror else [],
        'docker_host_insecure_registries': mirror_hosts + [services['class_registry']],
        'docker_host_apt_proxy': services['apt_proxy'],
    }
    if services.get('images'):
        found['lab_images_class_refs'] = dict(services['images'])
        if services.get('digests'):
            found['lab_images_class_digests'] = dict(services['digests'])
    return found


def _merged(first, second):
    """first's items, then second's not already there, in order."""
    merged = list(first)
    merged.extend(item for item in second if item not in merged)
    return merged


def daemon_options(options, mirrors, insecure):
    """options (daemon.json as a dict) with mirrors in registry-mirrors and insecure in insecure-registries.

    What options already lists comes first and stays; nothing is added when both lists are empty, so
    without class services daemon.json is exactly docker_host_daemon_options.
    """
    if not isinstance(options, dict):
        raise ClassServicesError('daemon options must be a dict, got %r' % (options,))
    merged = dict(options)
    for key, extra in (('registry-mirrors', mirrors or []), ('insecure-registries', insecure or [])):
        if not extra:
            continue
        given = merged.get(key) or []
        if not isinstance(given, list):
            raise ClassServicesError('daemon option %s must be a list, got %r' % (key, given))
        merged[key] = _merged(given, extra)
    return merged


def listen_address(given, address, default_ipv4):
    """The one address the services listen on: given, else address when it is an IP address, else default_ipv4.

    address is the one the VMs reach the machine by (an address or a name); a name is not resolved here (the
    machine's own name often resolves to 127.0.1.1), so the default IPv4 address serves instead. 127.0.0.1
    when there is none: a machine without a default route serves only itself. Never an unspecified address
    (0.0.0.0, ::): that is every interface.
    """
    for candidate in (given, address, default_ipv4):
        if not candidate:
            continue
        try:
            parsed = ipaddress.ip_address(str(candidate).strip('[]'))
        except ValueError:
            if candidate is given:
                raise ClassServicesError('the listen address must be an IP address, got %r' % (given,))
            continue
        if parsed.is_unspecified:
            raise ClassServicesError('the listen address must be one address, not every interface: %r' % (candidate,))
        return str(parsed)
    return '127.0.0.1'


def seed_digests(heads):
    """{role: 'sha256:...'} from the registered loop of HEAD requests for the seed plan's manifests by tag.

    Each result has item (a seed plan entry), status and, from a registry, the header Docker-Content-Digest
    (ansible.builtin.uri: docker_content_digest). An image the registry does not hold (404, or no answer in
    --check) or an answer without a well-formed digest is left out: its VMs pull it by tag.
    """
    results = heads.get('results') if isinstance(heads, dict) else None
    digests = {}
    for result in results or []:
        if not isinstance(result, dict) or result.get('status') != 200:
            continue
        role = (result.get('item') or {}).get('role')
        digest = result.get('docker_content_digest')
        if isinstance(role, str) and isinstance(digest, str) and DIGEST.match(digest):
            digests[role] = digest
    return digests


def digest_reference(ref, digest):
    """'registry/path/name:tag' and 'sha256:...' -> 'registry/path/name@sha256:...'."""
    if not isinstance(digest, str) or not DIGEST.match(digest):
        raise ClassServicesError('not a sha256 digest: %r' % (digest,))
    registry, path, dummy = split_reference(ref)
    return '%s@%s' % ('/'.join(filter(None, (registry, path))), digest)


def class_pulls(images, refs, digests=None):
    """[{role, ref, pull}] of the class images a VM must pull: pull is ref@digest where digests knows it.

    images are docker_image_info's images (RepoTags, RepoDigests); refs {role: reference by tag}. An image
    is there when one image holds ref among its tags and, with a digest, ref's repository@digest among its
    RepoDigests: an image with the right tag but other content (a tag overwritten before it was pulled) is
    pulled again, by digest, so what a VM runs is what the seed pushed.
    """
    if not isinstance(refs, dict):
        raise ClassServicesError('the class references must be a dict {role: reference}, got %r' % (refs,))
    digests = digests or {}
    held = [(set(image.get('RepoTags') or []), set(image.get('RepoDigests') or []))
            for image in images or [] if isinstance(image, dict)]
    pulls = []
    for role in sorted(refs):
        ref = refs[role]
        pull = digest_reference(ref, digests[role]) if digests.get(role) else ref
        if not any(ref in tags and (pull == ref or pull in repo_digests) for tags, repo_digests in held):
            pulls.append({'role': role, 'ref': ref, 'pull': pull})
    return pulls
