# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the scratch scenario makes outside the engine, and how it is found again and removed.

A container from scratch, after Liz Rice: an image's filesystem exported to a directory (``docker export``
through the Engine API, unpacked by tar), one process started by ``unshare`` in new PID, mount, UTS and network
namespaces and chrooted there (``sleep``, PID 1 of its namespace, with its own hostname), a bridge and three veth
pairs made with ``ip`` (the process and a peer namespace on the bridge, a third namespace on no bridge), and a
memory cgroup with a limit set by hand that holds the process.

Everything the lab made is found by a mark, never by a name alone: the links carry the ifalias ``LINK_MARK``; the
state file (root's, under a tmpfs that a reboot empties as it ends the process) records the process (its PID and
start time, checked against /proc before it is trusted or signalled), the named namespaces and the cgroup made;
the exported directory is under the lab's own directory, whose image file records what it holds. A link or named
namespace of the lab's names without the mark is somebody else's: the lab refuses to run rather than touch it.

Standard library only; runs as root on the VM (lab_make).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from urllib.parse import quote

from ansible_collections.microlab.docker_internals.plugins.module_utils import atomic_file, catalog, netns, overlay_fs, procfs
from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPIError
from ansible_collections.microlab.docker_internals.plugins.module_utils.host_command import HostError, run
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import labels

BASE = '/var/lib/microlab-scratch'          # root's: the exported filesystem and what it was exported from
ROOTFS = BASE + '/rootfs'
IMAGE_FILE = BASE + '/image'
STATE_DIR = '/run/microlab-scratch'         # root's, on a tmpfs: what the running part is
STATE_FILE = STATE_DIR + '/state.json'
ERROR_FILE = STATE_DIR + '/unshare.err'
HOSTNAME = 'lab-scratch'
LINK_MARK = 'microlab.lab=docker_internals'
BRIDGE = 'mlscratch0'
# Each place the network reaches: its veth's host end, the named namespace (None: the process's own), its address.
PLACES = (('self', 'mlscr-self', None, '10.213.0.2'),
          ('peer', 'mlscr-peer', 'mlscratch-peer', '10.213.0.3'),
          ('alone', 'mlscr-alone', 'mlscratch-alone', '10.213.0.4'))
PREFIX = 24
ON_BRIDGE = ('self', 'peer')                # 'alone' has its veth but no bridge: not reachable
INSIDE = 'eth0'
MEMORY = 64 * 1024 * 1024                   # the limit set by hand, and `docker run --memory 64m`'s
CGROUP_NAME = 'microlab-scratch'
# What the challenge's `lab solve` makes outside the engine for its own process (scratch_challenge): a bridge and a
# veth pair's host end, marked like the demo's links, and a memory cgroup beside the demo's (lab_cgroup).
SOLVE_BRIDGE = 'mlscratch1'
SOLVE_VETH = 'mlscr-solve'
SOLVE_CGROUP = 'microlab-scratch-solve'
MADE_LINKS = (BRIDGE,) + tuple(place[1] for place in PLACES) + (SOLVE_BRIDGE, SOLVE_VETH)
CGROUP_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@:+,=-'
MAX_CGROUP = 512
MAX_STATE = 4096
WAIT = 5.0                                  # seconds the process has to reach `sleep`, or to end when killed

CLONE_NEWUTS = 0x04000000


def ip_argv(where, *args):
    """`ip args` on the host (where None), in a named namespace (a str) or in process where's (an int)."""
    if isinstance(where, int):
        return ['nsenter', '--target', str(where), '--net', '--', 'ip'] + list(args)
    return (['ip', '-n', where] if where else ['ip']) + list(args)


# The state file ----------------------------------------------------------------------------------


def read_state(path=STATE_FILE):
    """The state the lab wrote ({} when there is none): read without following a link, typed."""
    try:
        data = json.loads(procfs.safe_read(path, limit=MAX_STATE).decode('utf-8'))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    state = {}
    for key in ('pid', 'start', 'unshare'):
        if isinstance(data.get(key), int) and not isinstance(data.get(key), bool) and data[key] > 0:
            state[key] = data[key]
    if isinstance(data.get('cgroup'), str) and is_lab_cgroup(data['cgroup']):
        state['cgroup'] = data['cgroup']
    names = [place[2] for place in PLACES if place[2]]
    state['netns'] = [name for name in data['netns'] if name in names] if isinstance(data.get('netns'), list) else []
    return state


def write_state(state):
    """Write the state file anew (root's directory 0700, the file 0600, never through a link: atomic_file)."""
    make_private_dir(STATE_DIR)
    atomic_file.write(STATE_FILE, json.dumps(state, sort_keys=True), 0o600, refuse_dir_link=True)


def make_private_dir(path):
    """path as a directory of root's, mode 0700 (set again if it was changed); a link or another owner's is refused
    (HostError)."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    try:
        handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        raise HostError(errno.EEXIST, '%s is not a directory of root\'s' % path)
    try:
        if os.fstat(handle).st_uid != 0:
            raise HostError(errno.EEXIST, '%s is not a directory of root\'s' % path)
        os.fchmod(handle, 0o700)
    finally:
        os.close(handle)


def plain_relative(path):
    """A cgroup path as /proc/PID/cgroup gives it, safe to join under the cgroup mount: '/a/b'."""
    parts = path.split('/')
    return path.startswith('/') and all(part not in ('.', '..') for part in parts[1:]) and '\n' not in path


def is_lab_cgroup(path):
    """A cgroup the lab makes: a plain path of names of CGROUP_CHARACTERS ending in CGROUP_NAME (the state file
    names no other cgroup to limit, move a process into or remove; the explanation shows it in commands)."""
    parts = path.split('/')
    return (len(path) <= MAX_CGROUP and plain_relative(path) and parts[-1] == CGROUP_NAME
            and all(part and set(part) <= set(CGROUP_CHARACTERS) for part in parts[1:]))


# The process -------------------------------------------------------------------------------------


def process_stat(pid, proc='/proc'):
    """{'comm', 'state', 'ppid', 'start'} of /proc/PID/stat, or None when there is no such process."""
    try:
        text = procfs.read_text('%s/%d/stat' % (proc, pid))
    except OSError:
        return None
    head, _sep, rest = text.rpartition(')')
    fields = rest.split()
    if not head or len(fields) < 20:
        return None
    return {'comm': head.partition('(')[2], 'state': fields[0], 'ppid': int(fields[1]), 'start': int(fields[19])}


def is_lab_process(state, proc='/proc'):
    """The process of the state file is alive and is the one the lab started: the start time recorded, still
    `sleep`, and the child of the `unshare` recorded (a start time can be copied into the state file from any
    process; another `sleep`, such as a container's PID 1, is never the lab's)."""
    if 'pid' not in state or 'unshare' not in state:
        return False
    seen = process_stat(state['pid'], proc)
    if not seen or seen['start'] != state.get('start') or seen['comm'] != 'sleep' or seen['state'] == 'Z':
        return False
    parent = process_stat(seen['ppid'], proc) if seen['ppid'] == state['unshare'] else None
    return bool(parent) and parent['comm'] == 'unshare'


# Run in the new mount namespace before the chroot (the demo's process and `lab solve`'s): it starts as a copy of
# the host's mounts, among them the network namespaces the engine keeps mounted for its containers (nsfs). Held
# there, a container's namespace would outlive the container, with its veth and its address on the bridge: after an
# engine restart, a new container given that address would not answer (another namespace answers for it).
DROP_NAMESPACE_MOUNTS = 'findmnt -rn -t nsfs -o TARGET | xargs -r -n1 umount -l'


def start_argv():
    """The chapter's unshare: new PID, mount, UTS and network namespaces, a fresh /proc in the exported directory,
    then (the host's namespace mounts dropped from the new mount namespace) chroot there and sleep (PID 1 of its
    namespace). --kill-child: the process ends with its unshare, so it is never left running as an orphan that
    is_lab_process would not recognise (and its cgroup could not go)."""
    return ['unshare', '--pid', '--mount', '--uts', '--net', '--fork', '--kill-child', '--mount-proc=%s/proc' % ROOTFS,
            'sh', '-c', DROP_NAMESPACE_MOUNTS + '; exec chroot "$0" sleep infinity', ROOTFS]


def child_of(pid, proc='/proc'):
    """The first child of process pid (/proc/PID/task/PID/children), or None."""
    try:
        children = procfs.read_text('%s/%d/task/%d/children' % (proc, pid, pid)).split()
    except OSError:
        return None
    return int(children[0]) if children else None


def in_uts(pid, function):
    """function() run in a thread of its own that entered process pid's UTS namespace (setns moves only that
    thread); its result. Raises OSError."""
    results, errors = [], []

    def enter():
        try:
            handle = os.open('/proc/%d/ns/uts' % pid, os.O_RDONLY | os.O_CLOEXEC)
            try:
                netns.setns(handle, CLONE_NEWUTS)
            finally:
                os.close(handle)
            results.append(function())
        except OSError as exc:
            errors.append(exc)
    thread = threading.Thread(target=enter)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def set_hostname(pid, name):
    """sethostname(2) in process pid's UTS namespace."""
    try:
        in_uts(pid, lambda: socket.sethostname(name))
    except OSError as exc:
        raise HostError(exc.errno or errno.EIO, 'hostname of process %d: %s' % (pid, exc))


def start_process():
    """Start the unshared process detached (its own session, no descriptor of ours), wait until it is `sleep`,
    give it its hostname; {'pid', 'start', 'unshare'}. The exported directory and its proc must be plain
    directories: unshare mounts /proc through a link, and chroot follows one."""
    if not rootfs_is_plain():
        raise HostError(errno.ENOTDIR, '%s or %s/proc is not a plain directory' % (ROOTFS, ROOTFS))
    make_private_dir(STATE_DIR)
    err = atomic_file.create_new(ERROR_FILE, 0o600)
    try:
        launcher = subprocess.Popen(start_argv(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    start_new_session=True, close_fds=True, cwd='/')
    finally:
        os.close(err)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if launcher.poll() is not None:
            said = procfs.safe_read(ERROR_FILE, limit=2048, truncate=True)
            raise HostError(errno.EIO, 'unshare: %s' % said.decode('utf-8', 'replace').strip())
        child = child_of(launcher.pid)
        seen = process_stat(child) if child else None
        if seen and seen['comm'] == 'sleep':
            set_hostname(child, HOSTNAME)
            return {'pid': child, 'start': seen['start'], 'unshare': launcher.pid}
        time.sleep(0.05)
    launcher.kill()
    raise HostError(errno.ETIMEDOUT, 'unshare: the process did not start within %s s' % WAIT)


def stop_process(state, proc='/proc'):
    """Kill the lab's process (only when it is the one recorded) and wait until it has ended; whether it was."""
    if not is_lab_process(state, proc):
        return False
    try:
        os.kill(state['pid'], signal.SIGKILL)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        seen = process_stat(state['pid'], proc)
        if not seen or seen['state'] == 'Z' or seen['start'] != state['start']:
            return True
        time.sleep(0.05)
    raise HostError(errno.ETIMEDOUT, 'process %d did not end' % state['pid'])


# The network -------------------------------------------------------------------------------------


def links(where=None):
    """`ip -j -d addr` of a place as [{'name', 'up', 'master', 'alias', 'kind', 'addresses'}], [] when it has none:
    only the links of the lab's names there (the host's: the bridges and the veths' host ends, the demo's and lab
    solve's; a namespace's: eth0), so that however many links a namespace holds, what is kept is bounded."""
    names = MADE_LINKS if where is None else [INSIDE]
    try:
        data = json.loads(run(ip_argv(where, '-j', '-d', 'addr', 'show')) or '[]')
    except (HostError, ValueError, RecursionError):
        return []
    found = [link_view(link) for link in data if isinstance(link, dict)] if isinstance(data, list) else []
    return [link for link in found if link['name'] in names]


def link_view(link):
    """The parts of one `ip -j -d addr` entry the lab judges."""
    info = link.get('linkinfo') if isinstance(link.get('linkinfo'), dict) else {}
    return {'name': str(link.get('ifname') or '')[:16], 'up': 'UP' in (link.get('flags') or []),
            'master': str(link.get('master') or '')[:16], 'alias': str(link.get('ifalias') or '')[:64],
            'kind': str(info.get('info_kind') or '')[:16],
            'addresses': ['%s/%s' % (a.get('local'), a.get('prefixlen')) for a in link.get('addr_info') or []
                          if isinstance(a, dict) and a.get('family') == 'inet'][:8]}


def named_netns():
    """The named network namespaces (/run/netns)."""
    try:
        return sorted(os.listdir('/run/netns'))
    except OSError:
        return []


def network_faults(host, inside):
    """What is not as the lab makes it: host is the host's links, inside {place: that namespace's links}.
    [(fault, place, name)], [] when all is as made; faults: missing, down, not_on_bridge, on_bridge, address."""
    by_name = dict((link['name'], link) for link in host)
    faults = []
    bridge = by_name.get(BRIDGE)
    if not bridge:
        faults.append(('missing', 'bridge', BRIDGE))
    elif not bridge['up']:
        faults.append(('down', 'bridge', BRIDGE))
    for place, end, _name, address in PLACES:
        mine = by_name.get(end)
        if not mine:
            faults.append(('missing', place, end))
            continue
        if not mine['up']:
            faults.append(('down', place, end))
        if place in ON_BRIDGE and mine['master'] != BRIDGE:
            faults.append(('not_on_bridge', place, end))
        if place not in ON_BRIDGE and mine['master']:
            faults.append(('on_bridge', place, end))
        inner = dict((link['name'], link) for link in inside.get(place) or []).get(INSIDE)
        if not inner:
            faults.append(('missing', place, INSIDE))
        elif not inner['up']:
            faults.append(('down', place, INSIDE))
        elif '%s/%d' % (address, PREFIX) not in inner['addresses']:
            faults.append(('address', place, INSIDE))
    return faults


def read_network(pid):
    """(host links, {place: links inside}) of the lab's network, the process's namespace read through nsenter."""
    inside = {}
    for place, _end, name, _address in PLACES:
        where = pid if name is None else (name if name in named_netns() else '')
        inside[place] = links(where) if where else []
    return links(), inside


def theirs(host_links):
    """Names of links the lab would make that exist without its mark: somebody else's."""
    ours = [BRIDGE] + [place[1] for place in PLACES]
    return [link['name'] for link in host_links if link['name'] in ours and link['alias'] != LINK_MARK]


# What Docker does for docker0 (`-i docker0 -o docker0 -j ACCEPT`): with br_netfilter loaded (the engine loads it),
# frames between two ports of a bridge go through iptables' FORWARD chain, whose policy the engine sets to DROP, so
# the bridge would carry nothing. Inserted once, marked with the lab's comment, and deleted only as that exact rule.
FORWARD_RULE = ['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-m', 'comment', '--comment', LINK_MARK, '-j', 'ACCEPT']


def forward_allowed():
    """The lab's FORWARD rule for its bridge is there (`iptables -C`)."""
    try:
        run(['iptables', '-C'] + FORWARD_RULE)
    except HostError:
        return False
    return True


def remove_forward_rule():
    """Delete the lab's FORWARD rule (every copy of it, at most a few); whether one was there."""
    removed = False
    for _copy in range(8):
        if not forward_allowed():
            break
        run(['iptables', '-D'] + FORWARD_RULE)
        removed = True
    return removed


def make_network(pid):
    """The bridge, then each place's veth pair: the host end marked (ifalias) and up, on the bridge or not; the
    other end moved into its namespace, named eth0, given its address and up. The named namespaces are made."""
    run(['ip', 'link', 'add', BRIDGE, 'type', 'bridge'])
    run(['ip', 'link', 'set', BRIDGE, 'alias', LINK_MARK])
    run(['ip', 'link', 'set', BRIDGE, 'up'])
    if not forward_allowed():
        run(['iptables', '-I'] + FORWARD_RULE)
    for place, end, name, address in PLACES:
        where = pid if name is None else name
        if name and name not in named_netns():
            run(['ip', 'netns', 'add', name])
        run(['ip', 'link', 'add', end, 'type', 'veth', 'peer', 'name', end + '-c'])
        run(['ip', 'link', 'set', end, 'alias', LINK_MARK])
        run(['ip', 'link', 'set', end + '-c', 'netns', str(where)])
        if place in ON_BRIDGE:
            run(['ip', 'link', 'set', end, 'master', BRIDGE])
        run(['ip', 'link', 'set', end, 'up'])
        run(ip_argv(where, 'link', 'set', end + '-c', 'name', INSIDE))
        run(ip_argv(where, 'addr', 'add', '%s/%d' % (address, PREFIX), 'dev', INSIDE))
        run(ip_argv(where, 'link', 'set', INSIDE, 'up'))


def remove_network(state):
    """The marked links (a veth's pair goes with it), the lab's FORWARD rule and the named namespaces the state
    names; the names removed."""
    gone = ['iptables FORWARD -i %s -o %s' % (BRIDGE, BRIDGE)] if remove_forward_rule() else []
    for link in links():
        if link['alias'] == LINK_MARK and link['name'] in MADE_LINKS:
            run(['ip', 'link', 'delete', link['name']])
            gone.append(link['name'])
    for name in state.get('netns') or []:
        if name in named_netns():
            run(['ip', 'netns', 'delete', name])
            gone.append(name)
    return gone


# The cgroup --------------------------------------------------------------------------------------


def cgroup_mount(root='/sys/fs/cgroup'):
    """(version, directory of the memory hierarchy): 2 with the unified hierarchy, 1 with cgroup v1's memory."""
    if os.path.exists(root + '/cgroup.controllers'):
        return 2, root
    return 1, root + '/memory'


def limit_file(version):
    return 'memory.max' if version == 2 else 'memory.limit_in_bytes'


def process_cgroup(pid, version, proc='/proc'):
    """The memory cgroup of process pid as /proc/PID/cgroup says it ('/a/b'), or None."""
    try:
        text = procfs.read_text('%s/%d/cgroup' % (proc, pid))
    except OSError:
        return None
    for line in text.splitlines():
        _hid, controllers, path = (line.split(':', 2) + ['', ''])[:3]
        if (version == 2 and controllers == '') or (version == 1 and 'memory' in controllers.split(',')):
            return path if plain_relative(path) else None
    return None


def lab_cgroup(version, init_cgroup, name=CGROUP_NAME):
    """Where a cgroup of the lab's goes: on cgroup v1 under PID 1's (the VM's own, removed with it); on v2 beside it,
    since a cgroup with processes may not give its children a controller (the root's child on a real VM)."""
    parent = init_cgroup if version == 1 else os.path.dirname(init_cgroup.rstrip('/') or '/')
    return '%s/%s' % (parent.rstrip('/'), name)


def solve_cgroup():
    """(version, mount, path) of the cgroup the challenge's `lab solve` makes: SOLVE_CGROUP where lab_cgroup puts
    the demo's (PID 1's cgroup read from /proc/1/cgroup, readable by anyone)."""
    version, mount = cgroup_mount()
    return version, mount, lab_cgroup(version, process_cgroup(1, version) or '/', SOLVE_CGROUP)


def new_cgroup():
    """The cgroup the lab makes on this VM (lab_cgroup), refused (HostError) when it is not one is_lab_cgroup
    accepts: the state file keeps no other."""
    version, _mount = cgroup_mount()
    path = lab_cgroup(version, process_cgroup(1, version) or '/')
    if not is_lab_cgroup(path):
        raise HostError(errno.EINVAL, 'the cgroup beside PID 1\'s, %r, is not a plain path' % path[:MAX_CGROUP])
    return path


def read_limit(mount, path, version):
    """The memory limit of cgroup path as text ('67108864', 'max'), read without following a link; None."""
    try:
        return procfs.read_text('%s/%s' % (path.strip('/'), limit_file(version)), root=mount, limit=64).strip()
    except OSError:
        return None


def write_cgroup_file(directory, name, value):
    """Write value to an existing file of a cgroup: never through a link, never waiting on a FIFO (opened
    non-blocking), only a regular file (as a cgroup filesystem's are)."""
    handle = os.open(os.path.join(directory, name), os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise HostError(errno.EINVAL, '%s/%s is not a cgroup file' % (directory, name))
        os.write(handle, str(value).encode('ascii'))
    finally:
        os.close(handle)


def make_cgroup(path, pid):
    """The cgroup made (if missing), its memory limit set, the process moved into it."""
    version, mount = cgroup_mount()
    directory = mount + path
    if not os.path.isdir(directory):
        os.mkdir(directory, 0o755)
    write_cgroup_file(directory, limit_file(version), MEMORY)
    write_cgroup_file(directory, 'cgroup.procs', pid)


def remove_cgroup(path):
    """rmdir of the lab's cgroup (its process ended first); whether it was there."""
    _version, mount = cgroup_mount()
    deadline = time.monotonic() + WAIT
    while True:
        try:
            os.rmdir(mount + path)
            return True
        except FileNotFoundError:
            return False
        except OSError as exc:  # EBUSY while the killed process is still being taken out of it
            if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# The exported filesystem -------------------------------------------------------------------------


def image_id(api, image):
    status, data = api.request('GET', '/images/%s/json' % quote(image, safe=''))
    if status != 200 or not isinstance(data, dict):
        raise DockerAPIError('image %s: %s' % (image, (data or {}).get('message', status)))
    return data['Id']


def rootfs_is_plain():
    """The exported directory and its proc (where unshare mounts /proc) are directories, neither a link."""
    try:
        return (stat.S_ISDIR(os.lstat(ROOTFS).st_mode)
                and stat.S_ISDIR(procfs.safe_lstat('proc', root=ROOTFS).st_mode))
    except OSError:
        return False


def exported_image():
    """The image id the exported directory holds, from the lab's file, or '' (none, or not as the lab left it:
    then it is exported again)."""
    try:
        text = procfs.read_text(IMAGE_FILE, limit=256).strip()
    except OSError:
        return ''
    return text if rootfs_is_plain() else ''


def clear(path):
    """Remove whatever is at path, an entry of the lab's own directory: a directory with all it holds (rmtree,
    which follows no link inside it), anything else (a link, a file) unlinked, never followed."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(found.st_mode):
        remove_tree(path)
    else:
        os.unlink(path)


def remove_tree(path):
    """rmtree of a directory, only where Python's rmtree opens each directory relative to its parent without
    following a link (a link planted inside the tree is removed, never followed)."""
    if not shutil.rmtree.avoids_symlink_attacks:
        raise HostError(errno.ENOSYS, 'rmtree %s: this platform cannot remove a tree without following links' % path)
    shutil.rmtree(path)


def unpack(source, directory):
    """GNU tar -x of the stream source into directory. Without -P, tar strips a leading /, skips a member with ..
    and makes a link to an absolute or .. target last, so no member is written through it. Its complaints go to an
    unnamed file, read (the first 2048 bytes) once it has ended: a pipe left unread would block it."""
    with tempfile.TemporaryFile() as said:
        tar = subprocess.Popen(['tar', '-x', '--numeric-owner', '-C', directory, '-f', '-'], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=said)
        try:
            shutil.copyfileobj(source, tar.stdin)
            tar.stdin.close()
        except BrokenPipeError:
            pass  # tar ended early: its status says why
        if tar.wait() != 0:
            said.seek(0)
            raise HostError(errno.EIO, 'tar: %s' % said.read(2048).decode('utf-8', 'replace'))


def export(api, image, wanted_id):
    """docker export of a new container of image (made, exported, removed; labelled as the lab's meanwhile),
    unpacked by tar into a fresh directory that then replaces ROOTFS."""
    make_private_dir(BASE)
    fresh = BASE + '/rootfs.new'
    clear(fresh)
    os.mkdir(fresh, 0o755)
    status, data = api.request('POST', '/containers/create', {'Image': image, 'Cmd': ['true'],
                                                              'Labels': labels('scratch')})
    if status != 201:
        raise DockerAPIError('create for export: %s' % (data or {}).get('message', status))
    try:
        stream = api.open_stream('/containers/%s/export' % data['Id'], timeout=120)
        try:
            unpack(stream.response, fresh)
        finally:
            stream.close()
    finally:
        api.request('DELETE', '/containers/%s?force=1' % data['Id'])
    clear(ROOTFS)
    os.rename(fresh, ROOTFS)
    atomic_file.write(IMAGE_FILE, wanted_id + '\n', 0o644, refuse_dir_link=True)


# Make and remove -------------------------------------------------------------------------------


def spec(inputs, images):
    """What lab_make is given for the scenario: the image to export (the shell image, a container of which the
    chapter exports)."""
    return {'image': images['shell']}


def refusals(host_links, state, lang):
    """Sentences for what has the lab's names and is not the lab's: unmarked links, unrecorded namespaces."""
    named = [place[2] for place in PLACES if place[2] and place[2] in named_netns()
             and place[2] not in (state.get('netns') or [])]
    return ([catalog.text(lang, 'err.link_not_lab', name=name) for name in theirs(host_links)]
            + [catalog.text(lang, 'err.netns_not_lab', name=name) for name in named])


def status(api, given, lang):
    """(what differs from the spec, state): parts among 'rootfs', 'process', 'links', 'cgroup'. Raises Refused."""
    state = read_state()
    host, inside = read_network(state['pid']) if is_lab_process(state) else (links(), {})
    refused = refusals(host, state, lang)
    if refused:
        raise catalog.Refused('\n'.join(refused))
    parts = []
    try:
        wanted = image_id(api, given['image'])
    except DockerAPIError:
        wanted = None  # no such image yet: the export says so when it is due (check mode only reports it)
    if exported_image() != wanted:
        parts.append('rootfs')
    if (parts or not is_lab_process(state) or not same_root(state['pid']) or not own_namespaces(state['pid'])
            or holds_namespace_mounts(state['pid'])):
        return parts + ['process', 'links', 'cgroup'], state
    if network_faults(host, inside) or not forward_allowed():
        parts.append('links')
    version, mount = cgroup_mount()
    if (state.get('cgroup') is None or read_limit(mount, state['cgroup'], version) != str(MEMORY)
            or process_cgroup(state['pid'], version) != state['cgroup']):
        parts.append('cgroup')
    return parts, state


def same_root(pid, proc='/proc'):
    """The process's root directory (the kernel's /proc/PID/root, only stat'ed) is the exported one."""
    try:
        mine, exported = os.stat('%s/%d/root' % (proc, pid)), os.lstat(ROOTFS)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (exported.st_dev, exported.st_ino)


def holds_namespace_mounts(pid, proc='/proc'):
    """The process's mount namespace still holds network namespaces of the host's (nsfs mounts), as a process
    started before DROP_NAMESPACE_MOUNTS did: it is started again. Unreadable counts as holding none."""
    seen = overlay_fs.read_mountinfo('%s/%d/mountinfo' % (proc, pid))
    return any(mount['fstype'] == 'nsfs' for mount in seen.get('mounts', []))


def own_namespaces(pid, proc='/proc'):
    """The process is in a PID, mount, UTS and network namespace of its own, none of them PID 1's (inodes)."""
    for kind in ('pid', 'mnt', 'uts', 'net'):
        try:
            if os.stat('%s/%d/ns/%s' % (proc, pid, kind)).st_ino == os.stat(netns.host_ns_path(kind)).st_ino:
                return False
        except OSError:
            return False
    return True


def make(api_factory, given, lang, check_mode=False):
    """Make what is missing or not as specified; the parts made (or, in check mode, that would be)."""
    api = api_factory()
    try:
        parts, state = status(api, given, lang)
        if check_mode or not parts:
            return parts
        if 'process' in parts:
            remove_running(state)
            state = {'netns': [place[2] for place in PLACES if place[2]]}
            write_state(state)
        if 'rootfs' in parts:
            export(api, given['image'], image_id(api, given['image']))
    finally:
        api.close()
    if 'process' in parts or ('cgroup' in parts and 'cgroup' not in state):
        if 'process' in parts:
            state.update(start_process())
        state['cgroup'] = new_cgroup()
        write_state(state)
    if 'links' in parts:
        if 'process' not in parts:
            remove_network(state)
        make_network(state['pid'])
    if 'cgroup' in parts:
        make_cgroup(state['cgroup'], state['pid'])
    return parts


def remove_running(state):
    """The process (when it is the lab's), the marked links, the recorded namespaces and cgroup; what went."""
    gone = ['process %d' % state['pid']] if stop_process(state) else []
    gone += remove_network(state)
    if state.get('cgroup') and remove_cgroup(state['cgroup']):
        gone.append(state['cgroup'])
    return gone


def remove(check_mode=False):
    """Everything the lab made outside the engine, found by its marks; what went (or, in check mode, would)."""
    state = read_state()
    _version, mount, solved = solve_cgroup()
    if check_mode:
        left = (['process %d' % state['pid']] if is_lab_process(state) else [])
        left += [link['name'] for link in links() if link['alias'] == LINK_MARK]
        left += ['iptables FORWARD -i %s -o %s' % (BRIDGE, BRIDGE)] if forward_allowed() else []
        left += [solved] if os.path.isdir(mount + solved) else []
        return left + [path for path in (STATE_DIR, BASE) if os.path.isdir(path) and not os.path.islink(path)]
    gone = remove_running(state)
    if remove_cgroup(solved):  # lab solve's (the challenge's): its process ended with its labelled container
        gone.append(solved)
    for path in (STATE_DIR, BASE):
        if os.path.isdir(path) and not os.path.islink(path):
            remove_tree(path)
            gone.append(path)
    return gone
