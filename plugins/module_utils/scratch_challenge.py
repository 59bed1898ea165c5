# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scratch scenario's challenge steps: the student's own container from scratch, judged from the host.

1. ``scratch_exported``: an image's filesystem exported to STUDENT_ROOTFS (``docker export $(docker create IMAGE)
   | tar -x -C /var/tmp/rootfs``): a directory (never a link) holding an os-release and the ``.dockerenv`` file the
   engine puts in every container's filesystem, so it came from a container, not from ``docker save`` (whose
   layout, manifest.json and layer tarballs, is said to be the misunderstanding it is).
2. ``scratch_unshared``: a process whose root (the kernel's /proc/PID/root, by device and inode) is that directory,
   PID 1 of a PID namespace of its own (NSpid), in mount, UTS and network namespaces that are not the host's, with
   a hostname that is not the host's. A chroot without new namespaces, or a process left in the host's PID
   namespace, fails saying so.
3. ``scratch_linked``: that process has a veth UP with an IPv4 address whose other end is on the host (a veth of the
   host's whose peer is it, directly or on a bridge of the student's, not Docker's), and an ICMP echo from its network
   namespace to the host end's (or its bridge's) address is answered. A veth left down or without an address, only
   `lo`, a peer that is not on the host, Docker's bridge, or no answer each fail saying so.
4. ``scratch_limited``: that process is in a memory cgroup with a limit (not ``max``, nor cgroup v1's unlimited), not
   its parent's cgroup nor a container's, and a running container (``docker run --memory``) has the same limit in its
   own cgroup (both read from /sys/fs/cgroup, through /proc/PID/cgroup, with scratch_host's readers).

A student's `lab check` cannot read another user's namespaces: the lab's own shell image (by ID), labelled as a
probe, runs with ``--pid host`` and prints, for the processes rooted in the directories only, their NSpid,
namespace links and UTS name (a constant script; the directories' device and inode as its arguments), and for those
in a network namespace of their own one JSON line from network_probe (this module, run by the VM's python3 in the
host's mount namespace from where the lab's code is: `ip -j` in that namespace and on the host, the echo of
scratch_view). Its lines are typed and bounded here. The cgroups are read by `lab check` itself (/proc/PID/cgroup and
the limit files are readable by anyone). `lab solve` exports the same image into SOLVE_ROOTFS (root's, under the demo's
directory, which reset.yml removes) and starts the unshared process in a labelled container; `lab reset` removes
that directory (the labelled container goes with the lab's others). For steps 3 and 4 `lab solve` gives the lab's own
process (the one rooted in SOLVE_ROOTFS) a bridge and a veth pair of scratch_host's SOLVE names, marked with its
ifalias, and moves it into scratch_host's SOLVE_CGROUP with the limit set, beside a labelled `docker run --memory`
container; `lab reset` (and reset.yml, scratch_host.remove) delete only those marked links and that cgroup. A student's
directory, processes, links and cgroups are never touched. Standard library only.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import stat
import sys

from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs, scratch_host, scratch_view
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import PROBE_LABEL, PROBE_VALUE, is_lab, labels_argv

NAME = 'scratch'
STEPS = ('scratch_exported', 'scratch_unshared', 'scratch_linked', 'scratch_limited')
POINTS = {'scratch_exported': 10, 'scratch_unshared': 10, 'scratch_linked': 10, 'scratch_limited': 10}
SOLVE = {'scratch_exported': ('scratch_export',), 'scratch_unshared': ('scratch_export', 'scratch_unshare'),
         'scratch_linked': ('scratch_export', 'scratch_unshare', 'scratch_link'),
         'scratch_limited': ('scratch_export', 'scratch_unshare', 'scratch_limit')}

STUDENT_ROOTFS = '/var/tmp/rootfs'          # where the todo and the hints put it: the student's, exec allowed
SOLVE_ROOTFS = scratch_host.BASE + '/challenge-rootfs'
HOSTNAME = 'container'                      # the name the last hint and `lab solve` give (Liz Rice's)
SAVED = ('manifest.json', 'index.json', 'oci-layout', 'repositories')   # what `docker save` writes
OS_RELEASE = ('etc/os-release', 'usr/lib/os-release')
NAMESPACES = ('pid', 'mnt', 'uts', 'net')
MAX_PROCESSES = 20
MAX_HOSTNAME = 64
NS_LINK = re.compile(r'^(pid|mnt|uts|net):\[([0-9]{1,20})\]$')
# A namespace the process shares with the host, in the student's words.
HOST_NS = (('mnt', 'ch.ev.scratch_host_mnt'), ('uts', 'ch.ev.scratch_host_uts'), ('net', 'ch.ev.scratch_host_net'))

MAX_LINKS = 16
MAX_TARGETS = 2                             # host-side addresses an echo is sent to, per veth
MAX_NET_LINE = 65536
MAX_CONTAINERS = 64
UNLIMITED = 1 << 62                         # a memory limit this high is none (cgroup v1 says 9223372036854771712)
DOCKER_BRIDGE = re.compile(r'^(docker0|br-[0-9a-f]{12})$')
# Where the lab's own code is on this VM (the `lab` command's lib_dir, or the module's payload as verify runs it):
# the probe's network_probe runs it with the VM's python3.
CODE_ROOT = __file__[:__file__.rfind('/ansible_collections/')] if '/ansible_collections/' in __file__ else ''
NETWORK_PROBE = ('import sys; sys.path.insert(0, sys.argv[1]); from ansible_collections.microlab.docker_internals.'
                 'plugins.module_utils.scratch_challenge import network_probe; network_probe(int(sys.argv[2]))')

# The probe ($1 the lab's code, then device:inode pairs): every process whose root (stat -L of the kernel's link) is
# one of the pairs, with its NSpid, its four namespace links and its UTS name, tab-separated; for one in a network
# namespace that is not PID 1's, network_probe's line. Nothing of the student's is run or opened.
PROBE_SCRIPT = ('c=$1; shift; h=$(readlink /proc/1/ns/net); '
                'for d in /proc/[0-9]*; do '
                'r=$(stat -L -c %d:%i "$d/root" 2>/dev/null) || continue; '
                'case " $* " in *" $r "*) ;; *) continue ;; esac; '
                'p=${d#/proc/}; '
                'printf \'%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n\' "$p" "$r" '
                '"$(sed -n \'s/^NSpid:[[:space:]]*//p\' "$d/status" | tr -s \'\\t \' \'  \')" '
                '"$(readlink "$d/ns/pid")" "$(readlink "$d/ns/mnt")" "$(readlink "$d/ns/uts")" '
                '"$(readlink "$d/ns/net")" "$(nsenter --target "$p" --uts uname -n 2>/dev/null)"; '
                '[ "$(readlink "$d/ns/net")" = "$h" ] || { nsenter --mount=/proc/1/ns/mnt -- python3 -c \'' + NETWORK_PROBE
                + '\' "$c" "$p" 2>/dev/null | head -c ' + str(MAX_NET_LINE) + '; echo; }; '
                'done')
ROOT_OPTIONS = ['--pid', 'host', '--cap-add', 'SYS_ADMIN', '--cap-add', 'SYS_PTRACE', '--security-opt',
                'apparmor=unconfined']
# lab solve's export: a labelled container of the image, exported and unpacked by tar in another labelled one
# (root's: SOLVE_ROOTFS is root's), then removed; the image is the only value, given as $1.
SOLVE_PARENT = os.path.dirname(scratch_host.BASE)
EXPORT_SCRIPT = ('c=$(docker create {labels} "$1") || exit 1; '
                 'docker export "$c" | docker run --rm -i {labels} -v {parent}:/parent --entrypoint sh "$1" -c '
                 '\'rm -rf --one-file-system /parent/{base}/{new} && mkdir -p /parent/{base}/{new} && '
                 'tar -x -C /parent/{base}/{new} && rm -rf --one-file-system /parent/{base}/{rootfs} && '
                 'mv /parent/{base}/{new} /parent/{base}/{rootfs}\'; '
                 'rc=$?; docker rm "$c" >/dev/null; exit $rc').format(
    labels=' '.join(labels_argv(NAME)), parent=SOLVE_PARENT, base=os.path.basename(scratch_host.BASE),
    new=os.path.basename(SOLVE_ROOTFS) + '.new', rootfs=os.path.basename(SOLVE_ROOTFS))
RESET_SCRIPT = ('rm -rf --one-file-system /parent/{base}/{rootfs} /parent/{base}/{rootfs}.new; '
                'rmdir /parent/{base} 2>/dev/null; true').format(
    base=os.path.basename(scratch_host.BASE), rootfs=os.path.basename(SOLVE_ROOTFS))


def shell_image(config):
    """The lab's shell image by the ID recorded when the lab installed it (a tag can be moved by anyone)."""
    return (config.get('image_ids') or {}).get('shell') or config['images']['shell']


# Observe --------------------------------------------------------------------------------------


def _present(handle, path):
    try:
        procfs.safe_lstat(path, root='/proc/self/fd/%d' % handle)
        return True
    except OSError:
        return False


def _regular(handle, path):
    try:
        return stat.S_ISREG(procfs.safe_lstat(path, root='/proc/self/fd/%d' % handle).st_mode)
    except OSError:
        return False


def rootfs_entry(path):
    """What path holds: {'path', 'kind': missing, other (a link, a file...), error or dir}, and for a directory its
    device and inode and whether it has .dockerenv (a regular file), an os-release and `docker save`'s files. The
    directory is opened without following a link and looked into through that descriptor only."""
    entry = {'path': path, 'kind': 'missing'}
    try:
        handle = os.open(path, getattr(os, 'O_PATH', os.O_RDONLY) | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return entry
    except OSError as exc:
        entry.update(kind='error', error=exc.strerror or str(exc))
        return entry
    try:
        found = os.fstat(handle)
        if not stat.S_ISDIR(found.st_mode):
            entry['kind'] = 'other'
            return entry
        entry.update(kind='dir', dev=found.st_dev, ino=found.st_ino, dockerenv=_regular(handle, '.dockerenv'),
                     os_release=any(_present(handle, name) for name in OS_RELEASE),
                     saved=[name for name in SAVED if _present(handle, name)])
    finally:
        os.close(handle)
    return entry


def host_view():
    """This process's namespaces (the host's: `lab` and verify's module run there) and the host's name."""
    ns = {}
    for kind in NAMESPACES:
        try:
            ns[kind] = os.stat('/proc/self/ns/%s' % kind).st_ino
        except OSError:
            ns[kind] = None
    return {'ns': ns, 'hostname': os.uname().nodename[:MAX_HOSTNAME]}


def probe_argv(config, keys):
    """docker run of the lab's shell image, labelled as a probe, reading the processes rooted at keys."""
    return (['docker', 'run', '--rm', '--network', 'none'] + labels_argv('probe')
            + ['--label', '%s=%s' % (PROBE_LABEL, PROBE_VALUE)] + ROOT_OPTIONS
            + ['--entrypoint', 'sh', shell_image(config), '-c', PROBE_SCRIPT, 'sh', CODE_ROOT] + list(keys))


def _inode(text, kind):
    match = NS_LINK.match(text)
    return int(match.group(2)) if match and match.group(1) == kind else None


def _hostname(text):
    return text if len(text) <= MAX_HOSTNAME and text.isprintable() else ''


def parse_probe(text, keys):
    """The probe's lines as [{'pid', 'key', 'nspid', 'ns': {kind: inode}, 'hostname'}], with 'net' (typed_network)
    for a process whose network_probe line followed: typed, bounded, and only for the keys asked."""
    found = []
    for line in text.splitlines():
        fields = line.split('\t')
        if len(fields) == 3 and fields[0] == 'N' and found and fields[1] == str(found[-1]['pid']):
            found[-1]['net'] = typed_network(fields[2])
            continue
        if len(found) >= MAX_PROCESSES or len(fields) != 8 or not fields[0].isdigit() or fields[1] not in keys:
            continue
        try:
            nspid = [int(n) for n in fields[2].split()][:8]
        except ValueError:
            continue
        found.append({'pid': int(fields[0]), 'key': fields[1], 'nspid': nspid,
                      'ns': dict((kind, _inode(fields[3 + i], kind)) for i, kind in enumerate(NAMESPACES)),
                      'hostname': _hostname(fields[7])})
    return found


# The network of a process (network_probe runs as root on the VM, in the probe) ---------------------------------


def _name(value, limit=16):
    """A name someone chose (a link's, a container's): a printable string of at most limit characters, '?' else."""
    text = '' if value is None else value
    return text if isinstance(text, str) and len(text) <= limit and text.isprintable() else '?'


def _number(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 32 else 0


def _interface(text):
    """An IPv4 address with its prefix ('10.0.0.1/24') as ip writes it, or None."""
    try:
        return str(ipaddress.IPv4Interface(text)) if isinstance(text, str) and len(text) <= 18 else None
    except ValueError:
        return None


def _address(interface):
    """The address of '10.0.0.1/24'."""
    return interface.split('/', 1)[0]


def link_entry(link):
    """One link of `ip -j -d addr` (scratch_host.link_view's parts, with its index, its peer's index and whether
    that peer is in another network namespace), typed and bounded: what the probe prints and the judge reads."""
    view = scratch_host.link_view(link) if isinstance(link, dict) else {}
    return {'name': _name(view.get('name')), 'index': _number(link.get('ifindex')) if view else 0,
            'peer': _number(link.get('link_index')) if view else 0,
            'other_netns': bool(view) and 'link_netnsid' in link, 'kind': _name(view.get('kind')),
            'up': bool(view.get('up')), 'master': _name(view.get('master')),
            'addresses': [a for a in (_interface(a) for a in view.get('addresses') or []) if a][:8]}


def ip_links(where):
    """`ip -j -d addr show` of a network namespace (scratch_host.ip_argv's where) as link_entry's, or the error."""
    try:
        data = json.loads(scratch_host.run(scratch_host.ip_argv(where, '-j', '-d', 'addr', 'show'), timeout=5) or '[]')
    except (scratch_host.HostError, ValueError, RecursionError) as exc:
        return str(exc)[:200]
    return [link_entry(link) for link in data if isinstance(link, dict)] if isinstance(data, list) else 'ip -j: ?'


def host_side(link, host):
    """(the host's end of veth link, its bridge or None, the addresses an echo goes to); None when no veth of the
    host's is link's peer (by index both ways: the other end of a veth in the process's namespace or in a third one
    is not)."""
    if link['kind'] != 'veth' or not link['other_netns'] or not link['peer']:
        return None
    peer = next((h for h in host if h['index'] == link['peer'] and h['kind'] == 'veth' and h['peer'] == link['index']
                 and h['other_netns']), None)
    if peer is None:
        return None
    bridge = next((h for h in host if h['name'] == peer['master']), None) if peer['master'] else None
    return peer, bridge, (bridge or peer)['addresses'][:MAX_TARGETS]


def network_probe(pid, out=None):
    """Print (for parse_probe) one line about process pid's network: its links, the host's ends of its veths and
    their bridges, and for each veth that is up with an address, whether an ICMP echo from its namespace to the
    host side's addresses is answered (scratch_view.ping, about a second each at most). Run by the probe as root."""
    links = ip_links(pid)
    seen = {'links': links[:MAX_LINKS] if isinstance(links, list) else [], 'host': [], 'echo': []}
    if not isinstance(links, list):
        seen['error'] = links
    ready = [link for link in seen['links'] if link['kind'] == 'veth' and link['up'] and link['addresses']]
    host = ip_links(1) if ready else []
    if not isinstance(host, list):
        seen['error'], host = host, []
    for link in ready:
        side = host_side(link, host)
        if side is None:
            continue
        peer, bridge, targets = side
        seen['host'] += [h for h in (peer, bridge) if h and h not in seen['host']]
        for target in targets:
            address = _address(target)
            answered = scratch_view.ping(pid, address)
            seen['echo'].append([address, answered if isinstance(answered, bool) else str(answered)[:100]])
    (out or sys.stdout).write('N\t%d\t%s\n' % (pid, json.dumps(seen, sort_keys=True)))


def typed_network(text):
    """network_probe's JSON, typed and bounded again (the probe's output is not trusted): {'links', 'host', 'echo'}
    and 'error' when it said one."""
    try:
        data = json.loads(text) if len(text) < MAX_NET_LINE else None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return {'links': [], 'host': [], 'echo': [], 'error': 'network probe: ?'}
    seen = {}
    for part in ('links', 'host'):
        given = data.get(part) if isinstance(data.get(part), list) else []
        seen[part] = [dict(typed_link(link)) for link in given[:MAX_LINKS] if isinstance(link, dict)]
    seen['echo'] = [[_address(_interface(e[0])), e[1] if isinstance(e[1], bool) else _name(e[1], 100)]
                    for e in (data.get('echo') if isinstance(data.get('echo'), list) else [])[:MAX_LINKS * MAX_TARGETS]
                    if isinstance(e, list) and len(e) == 2 and _interface(e[0])]
    if data.get('error'):
        seen['error'] = str(data['error'])[:200] if str(data['error']).isprintable() else '?'
    return seen


def typed_link(link):
    """A link_entry as printed, each field of its type and bound."""
    addresses = link.get('addresses') if isinstance(link.get('addresses'), list) else []
    return {'name': _name(link.get('name')), 'index': _number(link.get('index')), 'peer': _number(link.get('peer')),
            'other_netns': link.get('other_netns') is True, 'kind': _name(link.get('kind')), 'up': link.get('up') is True,
            'master': _name(link.get('master')), 'addresses': [a for a in (_interface(a) for a in addresses[:8]) if a]}


# The memory cgroups (read by `lab check` itself: /proc/PID/cgroup and the limit files are anyone's to read) ------


def limit_value(text):
    """A limit file's text as an int, 'max', or None when it is neither."""
    if text == 'max':
        return 'max'
    return int(text) if text and text.isdigit() and len(text) <= 20 else None


def is_unlimited(limit):
    return limit == 'max' or (isinstance(limit, int) and limit >= UNLIMITED)


def cgroup_path(pid, version, proc='/proc'):
    """scratch_host.process_cgroup's path, only when bounded and printable (it is a name someone chose)."""
    path = scratch_host.process_cgroup(pid, version, proc)
    return path if path and len(path) <= scratch_host.MAX_CGROUP and path.isprintable() else None


def cgroup_entry(pid, version, mount, proc='/proc'):
    """{'path', 'parent' (its parent process's cgroup), 'limit'} of process pid's memory cgroup."""
    path = cgroup_path(pid, version, proc)
    seen = scratch_host.process_stat(pid, proc)
    return {'path': path, 'parent': cgroup_path(seen['ppid'], version, proc) if seen else None,
            'limit': limit_value(scratch_host.read_limit(mount, path, version)) if path else None}


def read_cgroups(seen, containers, proc='/proc', root='/sys/fs/cgroup'):
    """The memory cgroup of each process seen, and of each running container but the lab's probes."""
    version, mount = scratch_host.cgroup_mount(root)
    seen['cgroup'] = {'version': version, 'mount': mount, 'containers': []}
    for process in seen['processes']:
        process['cgroup'] = cgroup_entry(process['pid'], version, mount, proc)
    for name, container in sorted((containers or {}).items()):
        labels = container.get('labels') or {}
        if not container.get('running') or not container.get('pid') or labels.get(PROBE_LABEL) == PROBE_VALUE:
            continue
        entry = cgroup_entry(container['pid'], version, mount, proc)
        seen['cgroup']['containers'].append({'name': _name(name, 64),
                                             'path': entry['path'], 'limit': entry['limit'],
                                             'by_lab': is_lab(container)})
        if len(seen['cgroup']['containers']) >= MAX_CONTAINERS:
            break


def key_of(entry):
    return '%d:%d' % (entry['dev'], entry['ino'])


def challenge_start(observation, config, runner):
    """The two directories, this process's namespaces, and (when a directory exists) the probe's processes."""
    dirs = {'student': rootfs_entry(STUDENT_ROOTFS), 'lab': rootfs_entry(SOLVE_ROOTFS)}
    seen = {'dirs': dirs, 'host': host_view(), 'processes': []}
    observation['scratch'] = seen
    keys = [key_of(entry) for entry in dirs.values() if entry['kind'] == 'dir']
    if not keys:
        return None
    try:
        rc, out, err = runner(probe_argv(config, keys))
    except OSError as exc:
        rc, out, err = 1, '', str(exc)
    if rc != 0:
        seen['error'] = (err or '').strip()[-300:] or 'docker run: %s' % rc
    else:
        seen['processes'] = parse_probe(out, keys)
        read_cgroups(seen, observation.get('containers'))
    return None


def challenge_read(observation, config, proc):
    """Everything is read by challenge_start."""


# Judge ----------------------------------------------------------------------------------------


def rootfs_problem(entry):
    """Why a directory is not an exported filesystem, as evidence, or None."""
    path = entry['path']
    if entry['kind'] == 'missing':
        return ('ch.ev.scratch_no_rootfs', {'path': path})
    if entry['kind'] == 'error':
        return ('ev.read_error', {'name': path, 'error': entry.get('error') or verdicts.UNKNOWN})
    if entry['kind'] != 'dir':
        return ('ch.ev.scratch_rootfs_not_dir', {'path': path})
    if entry.get('saved'):
        return ('ch.ev.scratch_saved', {'path': path, 'file': entry['saved'][0]})
    if not entry.get('os_release'):
        return ('ch.ev.scratch_rootfs_empty', {'path': path})
    if not entry.get('dockerenv'):
        return ('ch.ev.scratch_not_exported', {'path': path})
    return None


def exported(scratch):
    """(the directory that holds an exported filesystem, by_lab), the student's first; (None, problem) else."""
    dirs = scratch.get('dirs') or {}
    student = dirs.get('student') or {'path': STUDENT_ROOTFS, 'kind': 'missing'}
    problem = rootfs_problem(student)
    if not problem:
        return student, False
    lab = dirs.get('lab') or {'kind': 'missing'}
    if lab['kind'] == 'dir' and not rootfs_problem(lab):
        return lab, True
    return None, problem


def judge_exported(scratch):
    entry, by_lab = exported(scratch)
    if entry is None:
        return verdicts.fail(*by_lab)
    return verdicts.ok('ch.ev.scratch_exported', by_lab=by_lab, path=entry['path'])


def is_pid_one(process):
    return len(process['nspid']) > 1 and process['nspid'][-1] == 1


def unshared_problem(process, host, path):
    """Why a process rooted in the exported directory is not a container from scratch, as evidence, or None."""
    pid = process['pid']
    params = {'pid': pid, 'path': path, 'nspid': ' '.join(str(n) for n in process['nspid']) or '-'}
    if len(process['nspid']) < 2:
        return ('ch.ev.scratch_host_pid', params)
    if not is_pid_one(process):
        return ('ch.ev.scratch_not_pid_one', params)
    for kind, key in HOST_NS:
        mine = process['ns'].get(kind)
        if not mine or mine == host['ns'].get(kind):
            return (key, dict(params, inode=mine or '?'))
    if not process['hostname'] or process['hostname'] == host['hostname']:
        return ('ch.ev.scratch_same_hostname', dict(params, hostname=process['hostname'] or '?',
                                                    host=host['hostname']))
    return None


def unshared(scratch):
    """(the processes step 2 accepts as [(process, owner 'student' or 'lab', path)], the student's first; the
    failure when there is none)."""
    dirs = scratch.get('dirs') or {}
    entry, _by_lab = exported(scratch)
    if entry is None:
        return [], verdicts.fail('ch.ev.scratch_no_rootfs', path=STUDENT_ROOTFS)
    if scratch.get('error'):
        return [], verdicts.fail('ev.read_error', name='docker run (--pid host)', error=scratch['error'])
    owners = dict((key_of(d), (name, d['path'])) for name, d in dirs.items() if d['kind'] == 'dir')
    processes = sorted((p for p in scratch.get('processes') or [] if p['key'] in owners),
                       key=lambda p: (not is_pid_one(p), owners[p['key']][0] != 'student', p['pid']))
    if not processes:
        return [], verdicts.fail('ch.ev.scratch_no_process', path=entry['path'])
    host = scratch.get('host') or {'ns': {}, 'hostname': ''}
    judged = [(p, unshared_problem(p, host, owners[p['key']][1])) for p in processes]
    good = [(p,) + owners[p['key']] for p, problem in judged if problem is None]
    return good, (None if good else verdicts.fail(*judged[0][1]))


def judge_unshared(scratch):
    """The best process rooted in an exported directory: PID 1s first, the student's before the lab's."""
    good, failure = unshared(scratch)
    if failure:
        return failure
    process, owner, path = good[0]
    host = scratch.get('host') or {'ns': {}, 'hostname': ''}
    return verdicts.ok('ch.ev.scratch_unshared', by_lab=owner == 'lab', pid=process['pid'], path=path,
                       hostname=process['hostname'], host=host['hostname'])


def link_problem(process):
    """Why the process's network does not reach the host through a veth, as evidence; or None and the pass's."""
    pid, net = process['pid'], process.get('net') or {'links': [], 'host': [], 'echo': []}
    if net.get('error'):
        return ('ev.read_error', {'name': 'ip -j (%d)' % pid, 'error': net['error']}), None
    links = [link for link in net['links'] if link['name'] != 'lo']
    veths = [link for link in links if link['kind'] == 'veth']
    if not veths:
        return ('ch.ev.scratch_no_veth', {'pid': pid, 'links': ', '.join(['lo'] + [l['name'] for l in links])}), None
    ready = [link for link in veths if link['up'] and link['addresses']]
    if not ready:
        down = [link for link in veths if not link['up']]
        return (('ch.ev.scratch_veth_down', {'pid': pid, 'name': down[0]['name']}) if down else
                ('ch.ev.scratch_veth_no_address', {'pid': pid, 'name': veths[0]['name']})), None
    problems = []
    for link in ready:
        params = {'pid': pid, 'name': link['name'], 'address': link['addresses'][0]}
        side = host_side(link, net['host'])
        if side is None:
            problems.append(('ch.ev.scratch_peer_not_host', params))
            continue
        peer, bridge, targets = side
        params.update(peer=peer['name'], bridge=bridge['name'] if bridge else '-')
        if not peer['up'] or (bridge and not bridge['up']):
            down = peer['name'] if not peer['up'] else bridge['name']
            problems.append(('ch.ev.scratch_peer_down', dict(params, down=down)))
        elif bridge and DOCKER_BRIDGE.match(bridge['name']):
            problems.append(('ch.ev.scratch_docker_bridge', params))
        elif not targets:
            problems.append(('ch.ev.scratch_peer_no_address', dict(params, where=params['bridge'] if bridge else
                                                                   peer['name'])))
        else:
            echoes = [(a, answered) for a, answered in net['echo'] if a in [_address(t) for t in targets]]
            answered = [a for a, result in echoes if result is True]
            if answered:
                return None, ('ch.ev.scratch_linked_bridge' if bridge else 'ch.ev.scratch_linked',
                              dict(params, target=answered[0]))
            error = next((result for _a, result in echoes if not isinstance(result, bool)), None)
            problems.append(('ch.ev.scratch_no_echo', dict(params, target=_address(targets[0]),
                                                           error=error or 'no reply')))
    return problems[0], None


def judge_linked(scratch):
    """A process step 2 accepts reaches the host side of its veth; else why the first (the student's) does not."""
    good, failure = unshared(scratch)
    if failure:
        return verdicts.fail('ch.ev.scratch_needs_unshared', step=2)
    problems = []
    for process, owner, _path in good:
        problem, passed = link_problem(process)
        if passed:
            return verdicts.ok(passed[0], by_lab=owner == 'lab', **passed[1])
        problems.append(problem)
    return verdicts.fail(*problems[0])


def limit_text(limit):
    return str(limit) if limit is not None else '?'


def limit_problem(process, cgroups):
    """Why the process is not in a memory cgroup of its own with a limit, as evidence, or None."""
    pid, mine = process['pid'], process.get('cgroup') or {}
    version = cgroups.get('version') or 2
    if not mine.get('path'):
        return ('ev.read_error', {'name': '/proc/%d/cgroup' % pid, 'error': verdicts.UNKNOWN})
    params = {'pid': pid, 'path': mine['path'], 'file': scratch_host.limit_file(version),
              'root': cgroups.get('mount') or '/sys/fs/cgroup', 'limit': limit_text(mine.get('limit'))}
    if mine.get('limit') is None:
        return ('ev.read_error', {'name': '%s%s/%s' % (params['root'], mine['path'], params['file']),
                                  'error': verdicts.UNKNOWN})
    if is_unlimited(mine['limit']):
        if mine['path'] == mine.get('parent'):
            return ('ch.ev.scratch_not_in_cgroup', params)
        return ('ch.ev.scratch_no_limit', params)
    theirs = [c['name'] for c in cgroups.get('containers') or [] if c['path'] == mine['path']]
    if theirs:  # a limit, but docker run --memory's: the process was never moved into a cgroup made by hand
        return ('ch.ev.scratch_container_cgroup', dict(params, name=theirs[0]))
    return None


def judge_limited(scratch):
    """A process step 2 accepts is in a memory cgroup with a limit, and a container's cgroup has the same."""
    good, failure = unshared(scratch)
    if failure:
        return verdicts.fail('ch.ev.scratch_needs_unshared', step=2)
    cgroups = scratch.get('cgroup') or {}
    judged = [(process, owner, limit_problem(process, cgroups)) for process, owner, _path in good]
    limited = [(process, owner) for process, owner, problem in judged if problem is None]
    if not limited:
        return verdicts.fail(*judged[0][2])
    others = [c for c in cgroups.get('containers') or [] if isinstance(c['limit'], int) and not is_unlimited(c['limit'])]
    for process, owner in limited:
        mine = process['cgroup']
        same = sorted((c for c in others if c['limit'] == mine['limit']), key=lambda c: c['by_lab'])
        if same:
            return verdicts.ok('ch.ev.scratch_limited', by_lab=owner == 'lab' or same[0]['by_lab'],
                               pid=process['pid'], path=mine['path'], limit=mine['limit'], name=same[0]['name'],
                               container=same[0]['path'] or '?', file=scratch_host.limit_file(cgroups.get('version') or 2))
    process = limited[0][0]
    if others:
        return verdicts.fail('ch.ev.scratch_other_limit', pid=process['pid'], limit=process['cgroup']['limit'],
                             name=others[0]['name'], other=others[0]['limit'])
    return verdicts.fail('ch.ev.scratch_no_memory_container', pid=process['pid'], limit=process['cgroup']['limit'])


def judge_steps(observation, config, steps):
    scratch = observation.get('scratch') or {}
    judges = {'scratch_exported': judge_exported, 'scratch_unshared': judge_unshared, 'scratch_linked': judge_linked,
              'scratch_limited': judge_limited}
    return dict((step, judges[step](scratch)) for step in steps)


# Solve and reset ------------------------------------------------------------------------------


def solve_export(observation, config, results):
    """The image exported into SOLVE_ROOTFS, unless it already holds an exported filesystem."""
    lab = ((observation.get('scratch') or {}).get('dirs') or {}).get('lab') or {'kind': 'missing'}
    if lab['kind'] == 'dir' and not rootfs_problem(lab):
        return []
    return [['sh', '-c', EXPORT_SCRIPT, 'sh', shell_image(config)]]


def unshare_argv(rootfs):
    """The reading's unshare: new PID, mount, UTS and network namespaces, /proc mounted anew, then (the host's network
    namespace mounts dropped from the new mount namespace, as the demo's process does) chroot and a hostname.
    --kill-child: `lab solve` moves the process out of its container's cgroup (scratch_limited), where removing the
    container would no longer reach it; it ends with its unshare, which stays there."""
    return ['unshare', '--pid', '--mount', '--uts', '--net', '--fork', '--kill-child', '--mount-proc=%s/proc' % rootfs,
            'sh', '-c', scratch_host.DROP_NAMESPACE_MOUNTS + '; exec chroot "$0" sh -c "hostname %s; exec sleep '
            'infinity"' % HOSTNAME, rootfs]


def lab_process_running(observation):
    """Whether a process rooted in SOLVE_ROOTFS is one step 2 accepts (then `lab solve` starts no other)."""
    good, _failure = unshared(observation.get('scratch') or {})
    return any(owner == 'lab' for _process, owner, _path in good)


def solve_unshare(observation, config, results):
    """Unless the lab's process already runs: a labelled container running the unshare in the host's mount namespace (PID 1's), chrooted in
    SOLVE_ROOTFS: the docker group may do as root what `sudo` does for a student who has it. The container needs
    no network (unshare --net makes the process's own): on the default bridge it would be one more client there,
    which the network steps' probe could pick."""
    if lab_process_running(observation):
        return []
    return [['docker', 'run', '-d', '--network', 'none'] + labels_argv(NAME) + ROOT_OPTIONS
            + ['--entrypoint', 'nsenter', shell_image(config), '--target', '1', '--mount', '--']
            + unshare_argv(SOLVE_ROOTFS)]


def marked_links(sys_class_net='/sys/class/net'):
    """lab solve's links on the host (scratch_host's SOLVE names with the lab's ifalias, read from /sys/class/net)."""
    found = []
    for name in (scratch_host.SOLVE_BRIDGE, scratch_host.SOLVE_VETH):
        try:
            alias = procfs.read_text('%s/%s/ifalias' % (sys_class_net, name), limit=256).strip()
        except OSError:
            continue
        if alias == scratch_host.LINK_MARK:
            found.append(name)
    return found


def challenge_reset(config, proc='/proc'):
    """(names, argv lists) removing what `lab solve` made: the exported directory, its marked links, its cgroup (its
    process is a labelled container, removed with the lab's others first, and ends with it); the student's own
    directory, processes, links and cgroups are never touched."""
    names, plan = [], []
    if any(os.path.lexists(path) for path in (SOLVE_ROOTFS, SOLVE_ROOTFS + '.new')):
        names.append(SOLVE_ROOTFS)
        plan.append(['docker', 'run', '--rm'] + labels_argv(NAME)
                    + ['-v', '%s:/parent' % SOLVE_PARENT, '--entrypoint', 'sh', shell_image(config),
                       '-c', RESET_SCRIPT])
    links = marked_links()
    if links:
        names += links
        plan.append(root_argv(config, ['--mount', '--net'], UNLINK_SCRIPT))
    _version, mount, path = scratch_host.solve_cgroup()
    if os.path.isdir(mount + path):
        names.append(mount + path)
        plan.append(root_argv(config, ['--mount'], RMDIR_SCRIPT, mount + path))
    return names, plan


def root_argv(config, namespaces, script, *args):
    """A labelled container running script (constant; values as its arguments) as root in the host's namespaces
    given (nsenter --target 1), with the host's own tools (ip, rmdir): what `sudo` would do for a student. In the
    host's network namespace it needs NET_ADMIN too, to make and delete links."""
    net_admin = ['--cap-add', 'NET_ADMIN'] if '--net' in namespaces else []
    return (['docker', 'run', '--rm', '--network', 'none'] + labels_argv(NAME) + ROOT_OPTIONS + net_admin
            + ['--entrypoint', 'nsenter', shell_image(config), '--target', '1'] + list(namespaces)
            + ['--', 'sh', '-c', script, 'sh'] + list(args))


# The lab's process ($p), found as the probe finds processes: rooted in SOLVE_ROOTFS and PID 1 of its namespace,
# waited for up to 5 s (its `docker run -d` may have just started).
FIND_LAB_PROCESS = ('k=$(stat -c %d:%i ' + SOLVE_ROOTFS + ') || exit 1; p=; i=0; '
                    'while [ -z "$p" ] && [ $i -lt 50 ]; do '
                    'for d in /proc/[0-9]*; do '
                    '[ "$(stat -L -c %d:%i "$d/root" 2>/dev/null)" = "$k" ] || continue; '
                    'case "$(sed -n \'s/^NSpid:[[:space:]]*//p\' "$d/status")" in *[[:space:]]1) p=${d#/proc/}; break ;; '
                    'esac; done; [ -n "$p" ] || { sleep 0.1; i=$((i+1)); }; done; '
                    '[ -n "$p" ] || { echo "no process has ' + SOLVE_ROOTFS + ' as its root" >&2; exit 1; }; ')
SOLVE_NET = '10.214.0'                       # lab solve's bridge .1, its process .2 (the demo's is 10.213.0.0/24)
# Links of the lab's names without its mark are somebody else's: refused, never touched.
MARKED_ONLY = ('for l in {bridge} {veth}; do [ ! -e /sys/class/net/$l ] || [ "$(cat /sys/class/net/$l/ifalias)" = '
               '"{mark}" ] || {{ echo "$l is not the lab\'s" >&2; exit 1; }}; done; ').format(
    bridge=scratch_host.SOLVE_BRIDGE, veth=scratch_host.SOLVE_VETH, mark=scratch_host.LINK_MARK)
LINK_SCRIPT = FIND_LAB_PROCESS + MARKED_ONLY + (
    'ip link delete {veth} 2>/dev/null; '
    '[ -e /sys/class/net/{bridge} ] || {{ ip link add {bridge} type bridge && ip link set {bridge} alias "{mark}"; }} '
    '|| exit 1; ip addr replace {net}.1/24 dev {bridge} && ip link set {bridge} up && '
    'ip link add {veth} type veth peer name {veth}-c && ip link set {veth} alias "{mark}" && '
    'ip link set {veth} master {bridge} up && ip link set {veth}-c netns "$p" && '
    'nsenter --target "$p" --net sh -c \'ip link set {veth}-c name eth0 && ip addr add {net}.2/24 dev eth0 && '
    'ip link set eth0 up && ip link set lo up\'').format(
    bridge=scratch_host.SOLVE_BRIDGE, veth=scratch_host.SOLVE_VETH, mark=scratch_host.LINK_MARK, net=SOLVE_NET)
# $1 the cgroup's directory, $2 its limit file: made, limited, the lab's process moved in.
LIMIT_SCRIPT = FIND_LAB_PROCESS + ('mkdir -p "$1" && echo %d > "$1/$2" && echo "$p" > "$1/cgroup.procs"'
                                   % scratch_host.MEMORY)
UNLINK_SCRIPT = ('for l in {bridge} {veth}; do [ "$(cat /sys/class/net/$l/ifalias 2>/dev/null)" != "{mark}" ] || '
                 'ip link delete $l; done; true').format(bridge=scratch_host.SOLVE_BRIDGE, veth=scratch_host.SOLVE_VETH,
                                                         mark=scratch_host.LINK_MARK)
# $1 the cgroup's directory: removed once the lab's process in it has ended (its container was removed first).
RMDIR_SCRIPT = ('i=0; while [ -d "$1" ] && ! rmdir "$1" 2>/dev/null; do [ $i -lt 50 ] || exit 1; sleep 0.1; '
                'i=$((i+1)); done')


def solve_link(observation, config, results):
    """The lab's process given a veth pair whose host end is on a bridge with an address (all marked)."""
    return [root_argv(config, ['--mount', '--net'], LINK_SCRIPT)]


def solve_limit(observation, config, results):
    """The lab's process moved into SOLVE_CGROUP with scratch_host.MEMORY as its limit, and a labelled container
    with the same `docker run --memory`, unless one of the lab's already has it."""
    version, mount, path = scratch_host.solve_cgroup()
    # In PID 1's cgroup namespace too: with cgroup v2 (nsdelegate) a process is moved only by a writer whose cgroup
    # namespace holds both cgroups, and Docker gives a container a private one there (on v1, the host's).
    plan = [root_argv(config, ['--mount', '--cgroup'], LIMIT_SCRIPT, mount + path, scratch_host.limit_file(version))]
    cgroups = (observation.get('scratch') or {}).get('cgroup') or {}
    if not any(c['by_lab'] and c['limit'] == scratch_host.MEMORY for c in cgroups.get('containers') or []):
        plan.append(['docker', 'run', '-d'] + labels_argv(NAME)
                    + ['--memory', str(scratch_host.MEMORY), '--entrypoint', 'sleep', shell_image(config), 'infinity'])
    return plan


ACTIONS = {'scratch_export': solve_export, 'scratch_unshare': solve_unshare, 'scratch_link': solve_link,
           'scratch_limit': solve_limit}
