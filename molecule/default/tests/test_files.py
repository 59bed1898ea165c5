"""The files scenario on both VMs, read with nothing from the collection: `stat` of the directories and files,
the refused write tried again on the VM itself with the refused process's own credentials (`setpriv`, read from
its /proc/PID/status), and `ps` for the UID root is in its container (0, or the subordinate UID on the VM whose
engine has userns-remap)."""

from __future__ import annotations

import json

SHARE = "/srv/lab_files"  # lab_files_share_dir's default
OWNER, OTHER = 1234, 4321  # lab_files_uid, lab_files_other_uid


def pid_of(host, name):
    state = json.loads(host.check_output(f"docker inspect {name}"))[0]["State"]
    assert state["Running"], f"{name} is not running"
    return state["Pid"]


def credentials(host, pid):
    """Uid, Gid (the filesystem ones) and Groups of a process, from the VM's /proc."""
    fields = dict(line.split(":", 1) for line in host.file(f"/proc/{pid}/status").content_string.splitlines()
                  if ":" in line)
    return int(fields["Uid"].split()[3]), int(fields["Gid"].split()[3]), fields["Groups"].split()


def test_the_directory_belongs_to_the_owner_uid_and_only_it_may_write(host):
    owned = host.file(f"{SHARE}/owned")
    assert owned.is_directory and not owned.is_symlink
    assert (owned.uid, owned.gid, owned.mode) == (OWNER, OWNER, 0o755)
    opened = host.file(f"{SHARE}/open")
    assert opened.is_directory and opened.mode == 0o777


def test_the_owner_uids_file_belongs_to_it_on_the_vm(host):
    written = host.file(f"{SHARE}/owned/written-by-{OWNER}")
    assert written.is_file and not written.is_symlink and written.uid == OWNER
    assert credentials(host, pid_of(host, "lab_files_owner"))[0] == OWNER


def test_the_other_uid_is_refused_by_the_vms_kernel_not_only_by_the_containers_word(host):
    assert not host.file(f"{SHARE}/owned/written-by-{OTHER}").exists
    uid, gid, groups = credentials(host, pid_of(host, "lab_files_other"))
    assert uid == OTHER
    as_it = f"setpriv --reuid {uid} --regid {gid} --groups {','.join(groups) or gid}"
    probes = [f"{SHARE}/owned/probe-from-the-vm", f"{SHARE}/open/probe-from-the-vm"]
    try:
        tried = host.run(f"{as_it} touch {probes[0]}")
        assert tried.rc != 0 and "Permission denied" in tried.stderr, tried.stderr
        # The same credentials may write where the mode lets them: the refusal is the directory's, not setpriv's.
        allowed = host.run(f"{as_it} touch {probes[1]}")
        assert allowed.rc == 0, allowed.stderr
    finally:
        host.run(f"rm -f {probes[0]} {probes[1]}")


def test_roots_file_belongs_to_the_uid_root_is_in_its_container(host):
    pid = pid_of(host, "lab_files_root")
    root_on_the_vm = int(host.check_output(f"ps -o uid= -p {pid}"))
    written = host.file(f"{SHARE}/open/written-by-root")
    assert written.is_file and written.uid == root_on_the_vm
    remapped = "name=userns" in host.check_output("docker info --format '{{json .SecurityOptions}}'")
    assert (root_on_the_vm != 0) == remapped
