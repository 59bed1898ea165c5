# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""scratch_host runs as root on a VM whose root is the student: whatever the student planted between two runs (a
link, a hard link, a FIFO, a crafted state file, another `sleep`, an archive with links out of its tree, thousands of
links in a namespace) is never followed, written through, waited on, killed or kept unbounded. Every test plants that
state under tmp_path, with the module's paths pointed there."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import threading

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, scratch_host
from ansible_collections.microlab.docker_internals.plugins.module_utils.scenarios import scratch
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import vm_data


@pytest.fixture
def paths(tmp_path, monkeypatch):
    """The lab's directories under tmp_path, and a victim file and directory beside them that must stay as they
    are."""
    base, state_dir = tmp_path / 'var-lib-scratch', tmp_path / 'run-scratch'
    for name, value in (('BASE', base), ('ROOTFS', base / 'rootfs'), ('IMAGE_FILE', base / 'image'),
                        ('STATE_DIR', state_dir), ('STATE_FILE', state_dir / 'state.json'),
                        ('ERROR_FILE', state_dir / 'unshare.err')):
        monkeypatch.setattr(scratch_host, name, str(value))
    victim = tmp_path / 'victim'
    victim.mkdir()
    (victim / 'shadow').write_text('root:secret\n')
    return tmp_path


def untouched(tmp_path):
    victim = tmp_path / 'victim'
    return sorted(os.listdir(str(victim))) == ['shadow'] and (victim / 'shadow').read_text() == 'root:secret\n'


# Files the lab writes: made anew, never written through what was planted -------------------------


def test_a_hard_link_planted_as_the_state_file_is_replaced_not_written_through(paths):
    state_dir = paths / 'run-scratch'
    state_dir.mkdir(mode=0o700)
    os.link(str(paths / 'victim' / 'shadow'), str(state_dir / 'state.json'))
    scratch_host.write_state({'netns': ['mlscratch-peer']})
    assert untouched(paths)
    assert json.loads((state_dir / 'state.json').read_text()) == {'netns': ['mlscratch-peer']}


def test_the_labs_directory_is_made_root_only_again_and_a_link_there_is_refused(paths):
    loose = paths / 'loose'
    loose.mkdir(mode=0o777)
    os.chmod(str(loose), 0o777)
    scratch_host.make_private_dir(str(loose))
    assert stat.S_IMODE(os.lstat(str(loose)).st_mode) == 0o700
    (paths / 'link').symlink_to(paths / 'victim')
    with pytest.raises(scratch_host.HostError):
        scratch_host.make_private_dir(str(paths / 'link'))
    assert stat.S_IMODE(os.stat(str(paths / 'victim')).st_mode) != 0o700


def plain_rootfs(paths):
    (paths / 'var-lib-scratch' / 'rootfs' / 'proc').mkdir(parents=True)


def test_a_fifo_planted_as_the_error_file_neither_blocks_the_start_nor_is_read(paths, monkeypatch):
    plain_rootfs(paths)
    state_dir = paths / 'run-scratch'
    state_dir.mkdir(mode=0o700)
    os.mkfifo(str(state_dir / 'unshare.err'))
    monkeypatch.setattr(scratch_host, 'start_argv', lambda: ['sh', '-c', 'echo no such thing >&2; exit 3'])
    raised = []

    def start():
        try:
            scratch_host.start_process()
        except scratch_host.HostError as exc:
            raised.append(str(exc))
    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(10)
    blocked = thread.is_alive()
    if blocked:  # unblock the open of the FIFO, so that the test ends
        os.close(os.open(str(state_dir / 'unshare.err'), os.O_RDONLY | os.O_NONBLOCK))
        thread.join(10)
    assert not blocked, 'the start waited on a FIFO planted as its error file'
    assert raised and raised[0].endswith('unshare: no such thing')


# The state file: only values the lab could have written ----------------------------------------


@pytest.mark.parametrize('cgroup', ['/system.slice/docker.service', '/', '/system.slice', '/a;reboot/microlab-scratch',
                                    '/$(touch x)/microlab-scratch', '/a b/microlab-scratch', '//microlab-scratch',
                                    '/%s/microlab-scratch' % ('a' * 600)])
def test_a_state_file_naming_a_cgroup_the_lab_does_not_make_is_not_trusted(paths, cgroup):
    """Kept, it would have its memory.max set to 64 MiB (dockerd's cgroup: the engine killed), the lab's process
    moved into it, an rmdir at reset, and its path shown in the commands the student copies."""
    state = paths / 'state.json'
    state.write_text(json.dumps({'pid': 42, 'start': 7, 'unshare': 41, 'cgroup': cgroup}))
    assert 'cgroup' not in scratch_host.read_state(str(state))
    state.write_text(json.dumps({'cgroup': '/docker/0a1b-c_d.e@f:g/microlab-scratch'}))
    assert scratch_host.read_state(str(state))['cgroup'] == '/docker/0a1b-c_d.e@f:g/microlab-scratch'


@pytest.mark.parametrize('text', ['{"netns": 5}', '{"netns": true}', '{"netns": "mlscratch-peer"}',
                                  '[' * 3000 + ']' * 3000])
def test_a_state_file_of_any_other_shape_is_no_state_rather_than_a_crash(paths, text):
    state = paths / 'state.json'
    state.write_text(text[:scratch_host.MAX_STATE])
    assert scratch_host.read_state(str(state)) in ({}, {'netns': []})


# The process: only the lab's is ever signalled -------------------------------------------------


def fake_stat(proc, pid, comm, ppid, start):
    where = proc / str(pid)
    where.mkdir(parents=True)
    fields = ['S', str(ppid)] + ['0'] * 17 + [str(start)] + ['0'] * 10
    (where / 'stat').write_text('%d (%s) %s\n' % (pid, comm, ' '.join(fields)))


def test_a_sleep_that_is_not_the_child_of_the_recorded_unshare_is_never_killed(tmp_path, monkeypatch):
    """A state file may name any process with its real start time (/proc/PID/stat is world-readable): a container's
    PID 1 `sleep infinity` is `sleep` too. Only the child of the unshare the lab recorded is the lab's."""
    proc = tmp_path / 'proc'
    fake_stat(proc, 42, 'sleep', 7, 777)
    fake_stat(proc, 7, 'containerd-shim', 1, 700)
    killed = []
    monkeypatch.setattr(scratch_host.os, 'kill', lambda pid, sig: killed.append(pid))
    for state in ({'pid': 42, 'start': 777}, {'pid': 42, 'start': 777, 'unshare': 41},
                  {'pid': 42, 'start': 777, 'unshare': 7}):
        assert not scratch_host.is_lab_process(state, str(proc))
        assert not scratch_host.stop_process(state, str(proc))
    assert killed == []
    fake_stat(proc, 43, 'sleep', 41, 778)
    fake_stat(proc, 41, 'unshare', 1, 776)
    assert scratch_host.is_lab_process({'pid': 43, 'start': 778, 'unshare': 41}, str(proc))
    assert not scratch_host.is_lab_process({'pid': 43, 'start': 779, 'unshare': 41}, str(proc))  # the PID reused


# The exported directory ------------------------------------------------------------------------


def test_a_link_planted_as_the_rootfs_proc_is_exported_again_and_never_mounted_through(paths, monkeypatch):
    """unshare --mount-proc=ROOTFS/proc mounts through a link (proc then lands on the link's target, in the
    process's mount namespace) and chroot follows one: neither is started on such a tree."""
    rootfs = paths / 'var-lib-scratch' / 'rootfs'
    rootfs.mkdir(parents=True)
    (paths / 'var-lib-scratch' / 'image').write_text('sha256:abc\n')
    (rootfs / 'proc').symlink_to(paths / 'victim')
    assert scratch_host.exported_image() == ''
    monkeypatch.setattr(scratch_host.subprocess, 'Popen', lambda *a, **k: pytest.fail('started %s' % (a,)))
    with pytest.raises(scratch_host.HostError, match='not a plain directory'):
        scratch_host.start_process()
    (rootfs / 'proc').unlink()
    (rootfs / 'proc').mkdir()
    assert scratch_host.exported_image() == 'sha256:abc'


class Stream:
    def __init__(self, data):
        self.response = io.BytesIO(data)

    def close(self):
        pass


class ExportAPI:
    """The Engine API as export() uses it: a container made, its export streamed, the container removed."""

    def __init__(self, archive):
        self.archive, self.calls = archive, []

    def request(self, method, path, body=None):
        self.calls.append((method, path.split('?')[0]))
        return (201, {'Id': 'c0ffee'}) if method == 'POST' else (204, None)

    def open_stream(self, path, timeout=None):
        return Stream(self.archive)


def archive(members):
    """A tar archive of (name, kind, extra): kind 'dir', 'file' (extra: mode), 'symlink' or 'hardlink' (extra:
    the target)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w', format=tarfile.GNU_FORMAT) as tar:
        for name, kind, extra in members:
            info = tarfile.TarInfo(name)
            data = b''
            if kind == 'dir':
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif kind == 'file':
                data, info.mode = b'x\n', extra
                info.size = len(data)
            else:
                info.type = tarfile.SYMTYPE if kind == 'symlink' else tarfile.LNKTYPE
                info.linkname = extra
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_the_export_replaces_what_was_planted_and_keeps_the_tree_root_only(paths):
    """The tree holds the image's setuid-root programs (su, passwd) and may hold devices: under a directory only
    root can enter, no other account of the VM reaches them outside the chroot. A link planted as the rootfs, or a
    hard link as the image record, is replaced, never followed or written through."""
    base = paths / 'var-lib-scratch'
    base.mkdir(mode=0o755)
    os.chmod(str(base), 0o755)
    (base / 'rootfs').symlink_to(paths / 'victim')
    (base / 'rootfs.new').symlink_to(paths / 'victim')
    os.link(str(paths / 'victim' / 'shadow'), str(base / 'image'))
    api = ExportAPI(archive([('proc', 'dir', None), ('usr', 'dir', None), ('usr/lib', 'dir', None),
                             ('usr/lib/os-release', 'file', 0o644), ('usr/bin', 'dir', None),
                             ('usr/bin/su', 'file', 0o4755)]))
    scratch_host.export(api, 'microlab.local/lab-shell:bookworm', 'sha256:abc')
    assert untouched(paths)
    assert stat.S_IMODE(os.lstat(str(base)).st_mode) == 0o700
    assert not os.path.islink(str(base / 'rootfs')) and os.path.isfile(str(base / 'rootfs' / 'usr/lib/os-release'))
    assert scratch_host.exported_image() == 'sha256:abc'
    assert ('DELETE', '/containers/c0ffee') in api.calls


def test_an_archive_with_names_and_links_out_of_its_tree_writes_nothing_outside(paths):
    """GNU tar (no -P): a leading / is stripped, a member with .. is skipped, a link to an absolute or ..
    target is made last, so no member is written through it; a hard link to an absolute path stays inside."""
    victim = paths / 'victim'
    hostile = archive([('proc', 'dir', None), ('/%s/abs' % str(victim).strip('/'), 'file', 0o644),
                       ('../../victim/dotdot', 'file', 0o644), ('out', 'symlink', str(victim)),
                       ('out/through', 'file', 0o644), ('up', 'symlink', '../../victim'), ('up/through', 'file', 0o644),
                       ('hard', 'hardlink', str(victim / 'shadow'))])
    try:
        scratch_host.export(ExportAPI(hostile), 'i', 'sha256:abc')
    except scratch_host.HostError as exc:
        assert 'tar:' in str(exc)  # tar says what it refused
    assert untouched(paths)
    assert sorted(os.listdir(str(paths))) == ['var-lib-scratch', 'victim']


# Reset ---------------------------------------------------------------------------------------------


def nothing_running(monkeypatch):
    monkeypatch.setattr(scratch_host, 'read_state', lambda path=None: {})
    monkeypatch.setattr(scratch_host, 'links', lambda where=None: [])
    monkeypatch.setattr(scratch_host, 'named_netns', list)
    monkeypatch.setattr(scratch_host, 'forward_allowed', lambda: False)


def test_reset_removes_the_labs_directories_but_never_through_a_link_planted_there(paths, monkeypatch):
    nothing_running(monkeypatch)
    (paths / 'var-lib-scratch').symlink_to(paths / 'victim')
    (paths / 'run-scratch').mkdir()
    (paths / 'run-scratch' / 'escape').symlink_to(paths / 'victim')
    assert scratch_host.remove(check_mode=True) == [str(paths / 'run-scratch')]
    assert scratch_host.remove() == [str(paths / 'run-scratch')]
    assert untouched(paths) and os.path.islink(str(paths / 'var-lib-scratch'))
    assert not os.path.lexists(str(paths / 'run-scratch'))


def test_reset_refuses_to_remove_a_tree_where_rmtree_would_follow_links(paths, monkeypatch):
    nothing_running(monkeypatch)
    (paths / 'run-scratch').mkdir()
    monkeypatch.setattr(scratch_host.shutil.rmtree, 'avoids_symlink_attacks', False)
    with pytest.raises(scratch_host.HostError, match='without following links'):
        scratch_host.remove()
    assert os.path.isdir(str(paths / 'run-scratch'))


# The network and the cgroup --------------------------------------------------------------------


def ip_json(names):
    return json.dumps([{'ifname': name, 'flags': ['UP'], 'addr_info': []} for name in names])


def test_links_keep_the_labs_names_only_however_many_a_namespace_holds(monkeypatch):
    many = ['dummy%d' % n for n in range(5000)] + ['eth0']
    monkeypatch.setattr(scratch_host, 'run', lambda argv, timeout=30: ip_json(many + [scratch_host.BRIDGE]))
    assert [link['name'] for link in scratch_host.links(42)] == ['eth0']
    assert [link['name'] for link in scratch_host.links()] == [scratch_host.BRIDGE]
    monkeypatch.setattr(scratch_host, 'run', lambda argv, timeout=30: '{"not": "a list"}')
    assert scratch_host.links() == []


def test_a_state_without_the_labs_cgroup_gets_the_labs_own_not_a_crash(monkeypatch):
    made, written = [], []
    monkeypatch.setattr(scratch_host, 'status', lambda api, given, lang: (['cgroup'], {'pid': 43, 'netns': []}))
    monkeypatch.setattr(scratch_host, 'cgroup_mount', lambda: (2, '/sys/fs/cgroup'))
    monkeypatch.setattr(scratch_host, 'process_cgroup', lambda pid, version: '/init.scope')
    monkeypatch.setattr(scratch_host, 'make_cgroup', lambda path, pid: made.append((path, pid)))
    monkeypatch.setattr(scratch_host, 'write_state', written.append)
    api = ExportAPI(b'')
    api.close = lambda: None
    assert scratch_host.make(lambda: api, {'image': 'i'}, 'en') == ['cgroup']
    assert made == [('/microlab-scratch', 43)] and written[0]['cgroup'] == '/microlab-scratch'
    monkeypatch.setattr(scratch_host, 'process_cgroup', lambda pid, version: '/a;b/init.scope')
    monkeypatch.setattr(scratch_host, 'cgroup_mount', lambda: (1, '/sys/fs/cgroup/memory'))
    with pytest.raises(scratch_host.HostError, match='not a plain path'):
        scratch_host.make(lambda: api, {'image': 'i'}, 'en')


# What reaches the controller -------------------------------------------------------------------


def test_what_the_vm_names_in_scratch_evidence_reaches_the_class_report_cleaned_and_capped():
    """The hostname and root the process shows are the VM's (sethostname takes any 64 bytes): the class report
    gets them as every scenario's evidence, without control or bidirectional characters, capped."""
    hostile = '\x1b]0;owned\x07\u202e' + 'A' * 60
    observation = {'scratch': {
        'process': {'pid': 42, 'nspid': [42, 1], 'ns': {'pid': 1, 'mnt': 2, 'uts': 3, 'net': 4}, 'same_root': False,
                    'root_link': '/\x1b[2J' + 'r' * 250, 'hostname': hostile[:64]},
        'host': {'ns': {'pid': 9, 'mnt': 8, 'uts': 7, 'net': 6}, 'hostname': 'vm'},
        'rootfs': {'path': scratch_host.ROOTFS, 'image': 'sha256:\x1b[31m' + 'f' * 70, 'os_release': True}}}
    results = scratch.judge(observation, {'container': 'lab_scratch_limited'})
    outcomes = dict((oid, {'status': result['status'], 'evidence': catalog.render('en', result['evidence'])})
                    for oid, result in results.items())
    checked = vm_data.check({'lab_outcomes': outcomes})['outcomes']
    assert set(checked) == set(scratch.OUTCOMES)
    for oid in ('scratch_rootfs', 'scratch_hostname'):
        shown = checked[oid]['evidence']
        assert not any(char in shown for char in '\x1b\x07\u202e') and len(shown) <= vm_data.EVIDENCE_CAP
    assert '\ufffd]0;owned' in checked['scratch_hostname']['evidence']


def test_an_archive_that_makes_tar_say_much_does_not_hang_the_export(paths):
    """tar's complaints about 3000 members named with .. are more than a pipe holds: read after tar ends, they
    would block tar, and the export with it, for ever."""
    noisy = archive([('proc', 'dir', None)] + [('../x%04d/%s' % (n, 'y' * 60), 'file', 0o644) for n in range(3000)])
    raised = []

    def export():
        try:
            scratch_host.export(ExportAPI(noisy), 'i', 'sha256:abc')
        except scratch_host.HostError as exc:
            raised.append(str(exc))
    thread = threading.Thread(target=export, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), 'the export waits for a tar blocked on its own error output'
    assert raised and "Member name contains '..'" in raised[0] and len(raised[0]) < 2100


def test_a_fifo_where_a_cgroup_file_should_be_neither_blocks_nor_is_written(tmp_path):
    """/sys/fs/cgroup is the kernel's, but on cgroup v1 it is a tmpfs the VM's root may mount over: a FIFO named
    memory.limit_in_bytes there would block the write for ever; a link is never written through."""
    os.mkfifo(str(tmp_path / 'memory.limit_in_bytes'))
    (tmp_path / 'cgroup.procs').symlink_to(tmp_path / 'victim-file')
    (tmp_path / 'victim-file').write_text('kept')
    done = []
    thread = threading.Thread(target=lambda: done.append(
        pytest.raises(OSError, scratch_host.write_cgroup_file, str(tmp_path), 'memory.limit_in_bytes', 1)), daemon=True)
    thread.start()
    thread.join(10)
    blocked = thread.is_alive()
    if blocked:
        os.close(os.open(str(tmp_path / 'memory.limit_in_bytes'), os.O_RDONLY | os.O_NONBLOCK))
    assert not blocked and done
    with pytest.raises(OSError):
        scratch_host.write_cgroup_file(str(tmp_path), 'cgroup.procs', 42)
    assert (tmp_path / 'victim-file').read_text() == 'kept'


# Recorded from a Debian 12 VM: the process's mounts with an engine's container network namespace among them, a
# mount with an optional field before the separator, and one with two.
MOUNTINFO_HOLDING = (
    '802 801 0:66 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n'
    '845 802 0:4 net:[4026533012] /run/docker/netns/5d2c1e0a8f3b rw shared:310 - nsfs nsfs rw\n'
    '846 802 0:71 / /var/lib/docker rw,relatime shared:7 master:1 - ext4 /dev/vda1 rw\n')


@pytest.mark.parametrize('mountinfo, holds', [
    (MOUNTINFO_HOLDING, True),
    (MOUNTINFO_HOLDING.replace(' - nsfs nsfs', ' - tmpfs tmpfs'), False),
    ('', False),
])
def test_a_process_holding_the_hosts_namespace_mounts_is_told_apart(tmp_path, mountinfo, holds):
    (tmp_path / '4242').mkdir()
    (tmp_path / '4242' / 'mountinfo').write_text(mountinfo)
    assert scratch_host.holds_namespace_mounts(4242, proc=str(tmp_path)) is holds


def test_an_unreadable_mountinfo_holds_nothing(tmp_path):
    assert scratch_host.holds_namespace_mounts(4242, proc=str(tmp_path)) is False


class FakeIptables:
    """iptables as far as the lab's FORWARD rule goes: -C answers from the rules held, -I and -D change them."""

    def __init__(self, copies):
        self.copies, self.ran = copies, []

    def __call__(self, argv, timeout=30):
        self.ran.append(argv)
        if argv[0] != 'iptables':
            return ''
        assert argv[2:] == scratch_host.FORWARD_RULE, argv
        if argv[1] == '-C' and not self.copies:
            raise scratch_host.HostError(1, 'iptables: Bad rule (does a matching rule exist in that chain?).')
        self.copies += {'-I': 1, '-D': -1}.get(argv[1], 0)
        return ''


@pytest.mark.parametrize('copies, inserted', [(0, True), (1, False)])
def test_the_bridge_gets_the_forward_rule_docker0_has_once(monkeypatch, copies, inserted):
    """The engine's FORWARD policy is DROP and br_netfilter sends bridged frames through it: without the rule the
    bridge carries nothing (seen on a VM with the engine's br_netfilter loaded)."""
    fake = FakeIptables(copies)
    monkeypatch.setattr(scratch_host, 'run', fake)
    monkeypatch.setattr(scratch_host, 'named_netns', lambda: [])
    scratch_host.make_network(4242)
    assert fake.copies == 1
    assert (['iptables', '-I'] + scratch_host.FORWARD_RULE in fake.ran) is inserted


@pytest.mark.parametrize('copies', [0, 1, 3])
def test_reset_deletes_exactly_the_labs_forward_rule(monkeypatch, copies):
    fake = FakeIptables(copies)
    monkeypatch.setattr(scratch_host, 'run', fake)
    monkeypatch.setattr(scratch_host, 'links', lambda where=None: [])
    gone = scratch_host.remove_network({'netns': []})
    assert fake.copies == 0 and bool(gone) is bool(copies)
    assert [argv[1] for argv in fake.ran if argv[1] == '-D'] == ['-D'] * copies


def test_reset_removes_lab_solves_cgroup_and_marked_links_too(paths, monkeypatch):
    """What the challenge's `lab solve` made (scratch_challenge): its cgroup beside the demo's, and its bridge and veth
    when they carry the mark; a link of those names without it is somebody else's."""
    nothing_running(monkeypatch)
    mount = paths / 'cgroup'
    (mount / 'docker' / 'vm' / scratch_host.SOLVE_CGROUP).mkdir(parents=True)
    monkeypatch.setattr(scratch_host, 'cgroup_mount', lambda: (1, str(mount)))
    monkeypatch.setattr(scratch_host, 'process_cgroup', lambda pid, version: '/docker/vm')
    found = [{'name': scratch_host.SOLVE_BRIDGE, 'alias': scratch_host.LINK_MARK},
             {'name': scratch_host.SOLVE_VETH, 'alias': 'somebody else'}]
    monkeypatch.setattr(scratch_host, 'links', lambda where=None: found)
    deleted = []
    monkeypatch.setattr(scratch_host, 'run', lambda argv, timeout=30: deleted.append(argv) or '')
    assert scratch_host.remove(check_mode=True) == [scratch_host.SOLVE_BRIDGE, '/docker/vm/' + scratch_host.SOLVE_CGROUP]
    assert scratch_host.remove() == [scratch_host.SOLVE_BRIDGE, '/docker/vm/' + scratch_host.SOLVE_CGROUP]
    assert deleted == [['ip', 'link', 'delete', scratch_host.SOLVE_BRIDGE]]
    assert not os.path.exists(str(mount / 'docker' / 'vm' / scratch_host.SOLVE_CGROUP))
    assert os.path.isdir(str(mount / 'docker' / 'vm'))
