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

A student's `lab check` cannot read another user's namespaces: the lab's own shell image (by ID), labelled as a
probe, runs with ``--pid host`` and prints, for the processes rooted in the directories only, their NSpid,
namespace links and UTS name (a constant script; the directories' device and inode as its arguments). Its lines
are typed and bounded here. `lab solve` exports the same image into SOLVE_ROOTFS (root's, under the demo's
directory, which reset.yml removes) and starts the unshared process in a labelled container; `lab reset` removes
that directory (the labelled container goes with the lab's others); a student's directory and processes are
never touched. Standard library only.
"""

from __future__ import annotations

import os
import re
import stat

from ansible_collections.microlab.docker_internals.plugins.module_utils import procfs, scratch_host
from ansible_collections.microlab.docker_internals.plugins.module_utils.challenge import verdicts
from ansible_collections.microlab.docker_internals.plugins.module_utils.labels import PROBE_LABEL, PROBE_VALUE, labels_argv

NAME = 'scratch'
STEPS = ('scratch_exported', 'scratch_unshared')
POINTS = {'scratch_exported': 10, 'scratch_unshared': 10}
SOLVE = {'scratch_exported': ('scratch_export',), 'scratch_unshared': ('scratch_export', 'scratch_unshare')}

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

# The probe: every process whose root (stat -L of the kernel's link) is one of the given device:inode pairs, with
# its NSpid, its four namespace links and its UTS name, tab-separated. Nothing of the student's is run or opened.
PROBE_SCRIPT = ('for d in /proc/[0-9]*; do '
                'r=$(stat -L -c %d:%i "$d/root" 2>/dev/null) || continue; '
                'case " $* " in *" $r "*) ;; *) continue ;; esac; '
                'p=${d#/proc/}; '
                'printf \'%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n\' "$p" "$r" '
                '"$(sed -n \'s/^NSpid:[[:space:]]*//p\' "$d/status" | tr -s \'\\t \' \'  \')" '
                '"$(readlink "$d/ns/pid")" "$(readlink "$d/ns/mnt")" "$(readlink "$d/ns/uts")" '
                '"$(readlink "$d/ns/net")" "$(nsenter --target "$p" --uts uname -n 2>/dev/null)"; '
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
            + ['--entrypoint', 'sh', shell_image(config), '-c', PROBE_SCRIPT, 'sh'] + list(keys))


def _inode(text, kind):
    match = NS_LINK.match(text)
    return int(match.group(2)) if match and match.group(1) == kind else None


def _hostname(text):
    return text if len(text) <= MAX_HOSTNAME and text.isprintable() else ''


def parse_probe(text, keys):
    """The probe's lines as [{'pid', 'key', 'nspid', 'ns': {kind: inode}, 'hostname'}]: typed, bounded, and only
    for the keys asked."""
    found = []
    for line in text.splitlines():
        fields = line.split('\t')
        if len(fields) != 8 or not fields[0].isdigit() or fields[1] not in keys:
            continue
        try:
            nspid = [int(n) for n in fields[2].split()][:8]
        except ValueError:
            continue
        found.append({'pid': int(fields[0]), 'key': fields[1], 'nspid': nspid,
                      'ns': dict((kind, _inode(fields[3 + i], kind)) for i, kind in enumerate(NAMESPACES)),
                      'hostname': _hostname(fields[7])})
        if len(found) >= MAX_PROCESSES:
            break
    return found


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


def judge_unshared(scratch):
    """The best process rooted in an exported directory: PID 1s first, the student's before the lab's."""
    dirs = scratch.get('dirs') or {}
    entry, _by_lab = exported(scratch)
    if entry is None:
        return verdicts.fail('ch.ev.scratch_no_rootfs', path=STUDENT_ROOTFS)
    if scratch.get('error'):
        return verdicts.fail('ev.read_error', name='docker run (--pid host)', error=scratch['error'])
    owners = dict((key_of(d), (name, d['path'])) for name, d in dirs.items() if d['kind'] == 'dir')
    processes = sorted((p for p in scratch.get('processes') or [] if p['key'] in owners),
                       key=lambda p: (not is_pid_one(p), owners[p['key']][0] != 'student', p['pid']))
    if not processes:
        return verdicts.fail('ch.ev.scratch_no_process', path=entry['path'])
    host = scratch.get('host') or {'ns': {}, 'hostname': ''}
    judged = [(p, unshared_problem(p, host, owners[p['key']][1])) for p in processes]
    good = [p for p, problem in judged if problem is None]
    if not good:
        return verdicts.fail(*judged[0][1])
    process = good[0]
    return verdicts.ok('ch.ev.scratch_unshared', by_lab=owners[process['key']][0] == 'lab', pid=process['pid'],
                       path=owners[process['key']][1], hostname=process['hostname'], host=host['hostname'])


def judge_steps(observation, config, steps):
    scratch = observation.get('scratch') or {}
    judges = {'scratch_exported': lambda: judge_exported(scratch), 'scratch_unshared': lambda: judge_unshared(scratch)}
    return dict((step, judges[step]()) for step in steps)


# Solve and reset ------------------------------------------------------------------------------


def solve_export(observation, config, results):
    """The image exported into SOLVE_ROOTFS, unless it already holds an exported filesystem."""
    lab = ((observation.get('scratch') or {}).get('dirs') or {}).get('lab') or {'kind': 'missing'}
    if lab['kind'] == 'dir' and not rootfs_problem(lab):
        return []
    return [['sh', '-c', EXPORT_SCRIPT, 'sh', shell_image(config)]]


def unshare_argv(rootfs):
    """The reading's unshare: new PID, mount, UTS and network namespaces, /proc mounted anew, chroot, a hostname."""
    return ['unshare', '--pid', '--mount', '--uts', '--net', '--fork', '--mount-proc=%s/proc' % rootfs,
            'chroot', rootfs, 'sh', '-c', 'hostname %s; exec sleep infinity' % HOSTNAME]


def solve_unshare(observation, config, results):
    """A labelled container running the unshare in the host's mount namespace (PID 1's), chrooted in
    SOLVE_ROOTFS: the docker group may do as root what `sudo` does for a student who has it. The container needs
    no network (unshare --net makes the process's own): on the default bridge it would be one more client there,
    which the network steps' probe could pick."""
    return [['docker', 'run', '-d', '--network', 'none'] + labels_argv(NAME) + ROOT_OPTIONS
            + ['--entrypoint', 'nsenter', shell_image(config), '--target', '1', '--mount', '--']
            + unshare_argv(SOLVE_ROOTFS)]


def challenge_reset(config, proc='/proc'):
    """(names, argv lists) removing what `lab solve` exported (its process is a labelled container, removed with
    the lab's others first); the student's own directory and processes are never touched."""
    if not any(os.path.lexists(path) for path in (SOLVE_ROOTFS, SOLVE_ROOTFS + '.new')):
        return [], []
    return [SOLVE_ROOTFS], [['docker', 'run', '--rm'] + labels_argv(NAME)
                            + ['-v', '%s:/parent' % SOLVE_PARENT, '--entrypoint', 'sh', shell_image(config),
                               '-c', RESET_SCRIPT]]


ACTIONS = {'scratch_export': solve_export, 'scratch_unshare': solve_unshare}
