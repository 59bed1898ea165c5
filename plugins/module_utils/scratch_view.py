# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the scratch scenario observes, from the host's side only: the process's namespaces (inodes of
/proc/PID/ns/*), its PID in each PID namespace (NSpid in /proc/PID/status), its root (the kernel's /proc/PID/root,
stat'ed, never opened), its hostname (uname in its UTS namespace), the links of the lab's network (`ip -j` on the
host and in each namespace), an ICMP echo sent from its network namespace, and the memory limits of its cgroup and
of a `docker run --memory` container's (/proc/PID/cgroup, then the limit file under /sys/fs/cgroup read without
following a link). The process's own word is never asked. Plain data, recordable for tests. Standard library only.
"""

from __future__ import annotations

import os
import select
import socket
import stat
import struct
import threading
import time

from ansible_collections.microlab.docker_internals.plugins.module_utils import netns, procfs, scratch_host

NAMESPACES = ('pid', 'mnt', 'uts', 'net')
PROBE_TIMEOUT = 1.0       # seconds an echo request waits for its reply (the unreachable one waits this long)


def inodes(where):
    """{kind: inode} of the namespace files under where (/proc/PID/ns), None for one not readable."""
    out = {}
    for kind in NAMESPACES:
        try:
            out[kind] = os.stat('%s/%s' % (where, kind)).st_ino
        except OSError:
            out[kind] = None
    return out


def host_view():
    """The host's namespaces (PID 1's) and hostname."""
    return {'ns': dict((kind, _inode(netns.host_ns_path(kind))) for kind in NAMESPACES),
            'hostname': os.uname().nodename[:64]}


def _inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def nspid(pid, proc='/proc'):
    """The process's PID in each PID namespace, outermost first (NSpid in /proc/PID/status), or []."""
    try:
        return procfs.parse_status(procfs.read_text('%s/%d/status' % (proc, pid)))['nspid'][:8]
    except (OSError, ValueError):
        return []


def process_view(state, proc='/proc'):
    """The lab's process as the host sees it, or {'error'} when the state names none alive."""
    if not scratch_host.is_lab_process(state, proc):
        return {'error': 'none' if 'pid' not in state else 'gone'}
    pid = state['pid']
    view = {'pid': pid, 'nspid': nspid(pid, proc), 'ns': inodes('%s/%d/ns' % (proc, pid)),
            'same_root': scratch_host.same_root(pid, proc)}
    try:
        view['root_link'] = os.readlink('%s/%d/root' % (proc, pid))[:256]
    except OSError as exc:
        view['root_link'] = '? (%s)' % exc.strerror
    try:
        view['hostname'] = scratch_host.in_uts(pid, lambda: os.uname().nodename)[:64]
    except OSError as exc:
        view['hostname_error'] = exc.strerror or str(exc)
    return view


def rootfs_view():
    """The exported directory: the image it was exported from (the lab's file) and whether usr/lib/os-release is a
    regular file there (lstat through no link)."""
    view = {'path': scratch_host.ROOTFS, 'image': scratch_host.exported_image()[:80]}
    try:
        view['os_release'] = stat.S_ISREG(procfs.safe_lstat('usr/lib/os-release', root=scratch_host.ROOTFS).st_mode)
    except OSError:
        view['os_release'] = False
    return view


def cgroup_view(state, process, container_pid):
    """The memory limits: the lab's cgroup (the state's), the cgroup the process is in, and the container's."""
    version, mount = scratch_host.cgroup_mount()
    view = {'version': version, 'mount': mount, 'path': state.get('cgroup') or '', 'limit': None,
            'process_cgroup': None, 'container_cgroup': None, 'container_limit': None}
    if view['path']:
        view['limit'] = scratch_host.read_limit(mount, view['path'], version)
    if 'pid' in process:
        view['process_cgroup'] = scratch_host.process_cgroup(process['pid'], version)
    if container_pid:
        view['container_cgroup'] = scratch_host.process_cgroup(container_pid, version)
        if view['container_cgroup']:
            view['container_limit'] = scratch_host.read_limit(mount, view['container_cgroup'], version)
    return view


def checksum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def echo_request(ident, sequence):
    header = struct.pack('!BBHHH', 8, 0, 0, ident, sequence)
    payload = b'microlab-scratch'
    return struct.pack('!BBHHH', 8, 0, checksum(header + payload), ident, sequence) + payload


def is_reply(packet, address, ident):
    """An IPv4 packet (a raw socket's read) is the echo reply from address to request ident."""
    if len(packet) < 20:
        return False
    start = (packet[0] & 0x0f) * 4
    if len(packet) < start + 8 or socket.inet_ntoa(packet[12:16]) != address:
        return False
    kind, _code, _sum, their_ident = struct.unpack('!BBHH', packet[start:start + 6])
    return kind == 0 and their_ident == ident


def ping(pid, address, timeout=PROBE_TIMEOUT):
    """Whether an ICMP echo from process pid's network namespace to address is answered within timeout:
    True, False, or the error's text. The socket is made inside the namespace, then used from here."""
    try:
        with netns.entered_netns('/proc/%d/ns/net' % pid):
            sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    except OSError as exc:
        return exc.strerror or str(exc)
    ident = (os.getpid() + len(address)) & 0xffff
    try:
        sock.sendto(echo_request(ident, 1), (address, 0))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                return False
            if is_reply(sock.recv(2048), address, ident):
                return True
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        sock.close()


def start_probes(process):
    """Echo requests to the peer's and the lone namespace's addresses at once, in threads; a function that
    waits for them and returns {place: True, False or error}, {} without a process."""
    if 'pid' not in process:
        return lambda: {}
    results, threads = {}, []
    for place, _end, name, address in scratch_host.PLACES:
        if name:
            thread = threading.Thread(target=lambda p=place, a=address: results.__setitem__(p, ping(process['pid'], a)))
            thread.daemon = True
            thread.start()
            threads.append(thread)

    def finish():
        for thread in threads:
            thread.join(PROBE_TIMEOUT + 2)
        return dict(results)
    return finish


def network_view(process):
    """{'host': links, 'inside': {place: links}} of the lab's network ({} of inside without a process): the links of
    the lab's names only (scratch_host.links)."""
    if 'pid' not in process:
        host, inside = scratch_host.links(), {}
    else:
        host, inside = scratch_host.read_network(process['pid'])
    return {'host': host, 'inside': inside}
