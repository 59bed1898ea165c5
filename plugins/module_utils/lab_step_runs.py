# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode: what the student did, from the recorded runs (lab_recorder.py's runs.json).

The chapter's curls run with ``--rm`` and its ``ip a`` containers exit at once:
nothing of them is left to observe when ``lab check`` runs. The recorder kept,
for every container the engine ran, its networks at start, command, exit code,
host UIDs and output. These pure functions find, among the runs of this
judging session, the one that did a step; lab_steps.py adds the live state
that must still hold. Runs the lab made (label microlab.lab=docker_internals:
``lab solve``, the lab's probes) never count. Standard library only.
"""

from __future__ import annotations

import ipaddress
import re

CURL_TIMEOUT = 28
ADDRESS = re.compile(r'(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:/(\d{1,2}))?(?![\d.])')
INET = re.compile(r'\binet (\d{1,3}(?:\.\d{1,3}){3})/(\d{1,2})\b')
# What curl prints of nginx's answer: the status line (-v, -i) or nginx's own page or Server header.
NGINX_ANSWER = re.compile(r'HTTP/[0-9.]+ 200\b|nginx', re.IGNORECASE)


def own(runs):
    """The runs the student made: not the lab's (solve, probes)."""
    return [run for run in runs or [] if not run.get('labels_lab') and not run.get('probe')]


def only_on(run, network, since=None):
    """The run's container was attached to network and nothing else when it started, and, given the time the
    network was created (since), was created after it: a run on an earlier network of the same name does not count."""
    return sorted(run.get('networks') or {}) == [network] and (not since or (run.get('created_at') or '') >= since)


def targets(run, ip):
    """ip is one of the addresses in the run's command line (curl's URL)."""
    words = list(run.get('entrypoint') or []) + list(run.get('cmd') or [])
    return bool(ip) and any(found == ip for word in words for found, _prefix in ADDRESS.findall(word))


def described(run):
    """Evidence parameters naming a run: its name, image and command line, when it started."""
    return {'name': run.get('name') or run.get('id', '')[:12], 'image': run.get('image') or '',
            'command': ' '.join(list(run.get('entrypoint') or []) + list(run.get('cmd') or [])),
            'at': run.get('started_at') or run.get('created_at') or ''}


def ran_as(runs, uid):
    """The first own run whose processes all ran as host UID uid (the chapter's `sleep 500`), or None."""
    found = [run for run in own(runs) if run.get('host_uids') and set(run['host_uids']) == set([uid])]
    return found[0] if found else None


def bridge_curl(runs, network, server_ip, since=None):
    """The newest own run on network only that fetched nginx's page from server_ip (curl exit code 0)."""
    found = [run for run in own(runs) if only_on(run, network, since) and targets(run, server_ip)
             and run.get('exit_code') == 0 and NGINX_ANSWER.search(run.get('output') or '')]
    return found[-1] if found else None


def lonely_curl(runs, network, server_ip, since=None):
    """The newest own run on network only whose request to server_ip timed out (curl exit code 28)."""
    found = [run for run in own(runs) if only_on(run, network, since) and targets(run, server_ip)
             and run.get('exit_code') == CURL_TIMEOUT]
    return found[-1] if found else None


def shown_address(run, subnets):
    """(address, subnet) of the first address the run's output shows (`ip a`: inet IP/PREFIX) inside one of
    subnets (the network's, as the engine has it now), or ('', '')."""
    networks = []
    for subnet in subnets or []:
        try:
            networks.append(ipaddress.ip_network(subnet, strict=False))
        except ValueError:
            continue
    for ip, _prefix in INET.findall(run.get('output') or ''):
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            continue
        inside = next((str(net) for net in networks if address in net), '')
        if inside:
            return ip, inside
    return '', ''


def interfaces_run(runs, network, subnets, since=None):
    """(run, address, subnet) of the newest own run on network only whose output shows an address of the network's
    subnets, or (None, '', '')."""
    for run in reversed(own(runs)):
        ip, subnet = shown_address(run, subnets) if only_on(run, network, since) else ('', '')
        if subnet:
            return run, ip, subnet
    return None, '', ''
