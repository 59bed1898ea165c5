# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""English: every sentence the lab shows a student or an instructor.

Keys and placeholders are the same in every language (catalog_es.py); the
unit tests fail when one is missing. Placeholders are str.format fields;
``{go_pid}``, ``{go_ip}`` and friends are Go templates for `docker inspect -f`,
supplied by catalog.render so that no literal brace appears here.
"""

from __future__ import annotations

MESSAGES = {
    # Words and labels.
    'status.pass': 'PASS',
    'status.fail': 'FAIL',
    'label.done': 'What was done:',
    'label.look': 'What to look at:',
    'label.why': 'Why:',
    'label.result': 'Result:',
    'label.errata': 'Errata of the chapter:',
    'label.notes': 'Notes on the chapter:',
    'word.and': '{first} and {second}',
    'word.no_ip': 'no IP',
    'word.no_network': 'no network',
    'word.unknown': '?',
    'word.unknown_value': 'unknown',
    'word.netns_unknown': '(its number is readable by root only)',
    'word.no_process': 'no process',
    'word.scenario': 'Scenario {names}',
    'word.scenarios': 'Scenarios {names}',

    # Evidence shared by every scenario.
    'ev.engine_down': 'the Docker engine does not answer ({error}): start it (sudo systemctl start docker) and run again',
    'ev.missing': '{name} does not exist',
    'ev.not_running': '{name} exists but is not running (state {state})',
    'ev.no_process': '{name} is running but has no process left',
    'ev.read_error': 'could not read {name} ({error})',

    # Scenario 1: users.
    'ev.users_runs_as': '{name} pid {pid} ({args}) runs as host UID {uids}{user}',
    'ev.users_user_name': ' ({user})',
    'ev.users_user_none': ' (no such user in /etc/passwd)',
    'ev.users_remapped': '{name} pid {pid}: container UID {cuid} is host UID {huid} (uid_map {outside}, subordinate of {owner})',
    'users.title': 'SCENARIO 1 - USERS AND UIDs',
    'users.done': ('two containers that only sleep: {root} as root and {uid_container} with --user {uid}, which '
                   'first writes a file through a bind mount of {share_dir}:\n'
                   '  docker run -d --name {root} --user 0 --entrypoint sleep {shell_image} infinity\n'
                   '  docker run -d --name {uid_container} --user {uid} -v {share_dir}:/shared --entrypoint sh '
                   "{shell_image} -c 'touch /shared/written-by-uid-{uid} && exec sleep infinity'"),
    'users.look': ('the user column of those "sleep" processes in the HOST\'s process table, the owner of the file '
                   'on the host, and the container\'s PID 1 as an ordinary host process.'),
    'users.commands': ['ps -o user,uid,pid,args -C sleep',
                       'docker top {uid_container}',
                       'ls -ln {share_dir}   # owner {uid}: a number, with no name on the host',
                       "PID=$(docker inspect -f '{go_pid}' {uid_container})",
                       'grep NSpid /proc/$PID/status   # the host PID, then 1 inside the container',
                       'sudo readlink /proc/$PID/ns/pid /proc/1/ns/pid   # two different PID namespaces'],
    'users.why': ('a container is not a separate machine: its processes are processes of the same kernel, and the '
                  'kernel only knows numbers. --user {uid} is host UID {uid} (even with no such user in /etc/passwd). '
                  'UID 0 in a container is the host\'s UID 0, but with fewer privileges: Docker drops most capabilities, '
                  'adds a seccomp filter and an AppArmor or SELinux profile. Files carry numbers too: what '
                  '{uid_container} wrote through the bind mount belongs to UID {uid} on the host, so UIDs matter for '
                  'files shared with the host. Processes are isolated all the same: each container has its own PID '
                  'namespace, where its first process is PID 1.'),
    'users.errata': [],
    'users.notes': ['`docker run -d --user 1234 ubuntu sleep 500` ends after 500 s, and then ps shows nothing: '
                    'the lab sleeps for ever (sleep infinity).',
                    'ubuntu is not on this VM unless it came from a registry: the lab\'s own image is {shell_image}.'],
    'users.userns': ('userns-remap variant: Docker restarted with userns-remap and keeps images under another root '
                     '(/var/lib/docker/<uid>.<gid>). In {remapped} root is an unprivileged subordinate UID:'),
    'users.userns_warning': ('WARNING: the userns-remap variant changes /etc/docker/daemon.json and RESTARTS Docker: '
                             'running containers stop. With userns-remap images live under another root '
                             '(/var/lib/docker/<uid>.<gid>), so the lab\'s images are made present there again. To keep '
                             'lab.yml idempotent, also put userns-remap: {user} in docker_host_daemon_options.'),
    'users.userns_commands': ["cat /proc/$(docker inspect -f '{go_pid}' {remapped})/uid_map",
                              'grep dockremap /etc/subuid'],

    'ev.file_not_read': 'the file written through the bind mount was not looked at (share_dir is empty)',
    'ev.file_missing': '{path} is not on the host ({error}): the --user container did not write it',
    'ev.file_owner': '{path} on the host belongs to UID {uid}{user}',
    'ev.file_not_regular': '{path} on the host is not a regular file (a symbolic link or another kind), so no process wrote it there',
    'ev.no_pid_one': '{name}: none of its processes is PID 1 in a PID namespace of its own (host PIDs {pids})',
    'ev.pid_namespace': '{name}: PID 1 inside is host PID {pid}; its PID namespace {inode}, the host\'s {host}',

    # Scenario 2: nginx.
    'ev.nginx_socket': '{address}:{port} LISTEN ({process} pid {pid})',
    'ev.nginx_socket_unowned': '{address}:{port} LISTEN (which process owns it is visible to root only)',
    'ev.nginx_listens': '{name} netns {inode}: {sockets}',
    'ev.nginx_nothing': '{name} netns {inode}: nothing listens on :{port}',
    'ev.host_clear': 'host netns {inode}: nothing listens on :{port}',
    'ev.host_taken': 'host netns {inode}: {sockets} (something on the host itself listens on :{port})',
    'ev.host_clear_not_running': 'host netns {inode}: nothing listens on :{port}, but {name} is not running',
    'ev.http_status': 'GET {url} from the VM: HTTP {status}',
    'ev.http_error': 'GET {url} from the VM: no answer ({error})',
    'ev.no_ip': '{name} has no IP address (not running, or on no network)',
    'ev.net_namespace': '{name} network namespace {inode}, the host\'s {host}',
    'nginx.title': 'SCENARIO 2 - NGINX AND ITS NETWORK NAMESPACE',
    'nginx.done': ('nginx in the foreground in {name}, with no published port (-p):\n'
                   "  docker run -d --name {name} --entrypoint nginx {nginx_image} -g 'daemon off;'"),
    'nginx.look': 'port {port} in LISTEN inside the container\'s network namespace, and its absence on the host.',
    'nginx.commands': ["PID=$(docker inspect -f '{go_pid}' {name})",
                       'sudo nsenter -t "$PID" -n ss -tln   # inside: 0.0.0.0:{port} and [::]:{port}',
                       'ss -tln                            # on the host: no :{port}',
                       'sudo readlink /proc/$PID/ns/net /proc/1/ns/net   # two different network namespaces',
                       "IP=$(docker inspect -f '{go_ip}' {name})",
                       'curl -I "http://$IP/"'],
    'nginx.why': ('each container has its own network namespace, with its own interfaces and socket table. nginx '
                  'listens on :{port} of THAT namespace (ss shows 0.0.0.0:{port} for IPv4 and [::]:{port} for IPv6; '
                  '*:{port} would be one dual-stack socket); the host does not see it in its own, but reaches it by '
                  'the container\'s IP on the docker0 bridge. Publishing with -p would add a NAT rule AND, with the '
                  'default userland proxy, a docker-proxy process listening on the host\'s port: then the host\'s ss '
                  'would show it.'),
    'nginx.errata': ['`ln -sf /proc/PID/ns/net /var/run/netns/x` fails on a fresh VM: run `sudo mkdir -p /var/run/netns` '
                     'first (or use nsenter, as above).',
                     '`ip netns list` does not show Docker\'s namespaces: Docker keeps them under /var/run/docker/netns.'],
    'nginx.notes': ["`docker inspect -f '{go_ip_old}'` is deprecated and empty off the default "
                    "bridge: use the range over .NetworkSettings.Networks shown above."],

    # Scenario 3: network.
    'ev.curl': '{client} ({ip} on {network}) GET {url}: {what}',
    'ev.curl_http': 'HTTP {code} in {time} s',
    'ev.curl_timeout': 'timed out after {timeout} s (curl exit code 28), not refused (exit code 7)',
    'ev.curl_refused': ('could not connect (curl exit code 7: {stderr}), not a timeout: "connection refused" means '
                        'something answered for the server\'s IP, "Network is unreachable" that the client has no '
                        'route to it'),
    'ev.curl_not_isolated': 'HTTP {code}: the networks are not isolated',
    'ev.curl_other': 'curl exit code {rc}: {stderr}',
    'ev.curl_no_server_ip': 'not run: {server} has no IP on the default bridge',
    'ev.side': '{client} {ip} on {networks} (subnet {subnet}, host bridge {bridge})',
    'ev.fw_drop': ('chain {chain} of table {table} ({backend}) dropped them, rule `{rule}`: its packet counter went '
                   'from {before} to {after} during the probe. To see it: sudo {command}'),
    'ev.fw_no_counter': ('no firewall counter moved during the probe: another firewall may sit in front of Docker\'s '
                         '(Docker\'s own candidate: `{rule}`)'),
    'ev.fw_none': 'no rule on the path drops these packets ({errors})',
    'ev.fw_not_read': 'the firewall was not read',
    'ev.fw_no_timeout': '{client} did not time out, so no rule dropped its packets',
    'ev.veth': '{client} eth0 is paired with {veth} on {master}',
    'ev.veth_missing': '{client} has no eth0 paired with a host interface',
    'network.title': 'SCENARIO 3 - ISOLATED NETWORKS',
    'network.done': ('a user-defined network and two containers with curl, one on each network; both ask {server} '
                     '(default bridge) for {url}:\n'
                     '  docker network create {network}\n'
                     '  docker run -d --name {bridge_client} --entrypoint sleep {curl_image} infinity\n'
                     '  docker run -d --name {lonely_client} --network {network} --entrypoint sleep {curl_image} infinity'),
    'network.look': 'one gets 200; the other waits until the {timeout} s timeout (not "connection refused").',
    'network.commands': ['docker exec {bridge_client} curl -sI -m {timeout} {url}',
                         'docker exec {lonely_client} curl -sI -m {timeout} {url}; echo "exit code $?"   # 28: timeout',
                         "docker network inspect -f '{go_subnet}' bridge {network}",
                         'docker exec {bridge_client} ip -brief address   # the chapter\'s `ip a`, inside each client',
                         'docker exec {lonely_client} ip -brief address',
                         'ip -brief address   # on the host: docker0 and br-... are two different bridges',
                         'ip -brief link show master docker0   # the host ends of the default bridge\'s veth pairs'],
    'network.why': ('each Docker bridge network is a different bridge on the host with its own subnet, and each container '
                    'has its own eth0: one end of a veth pair whose other end is plugged into that bridge. On the '
                    'default bridge containers reach each other because inter-container communication (ICC) is on. '
                    'Between bridges Docker\'s firewall rules silently DROP the packets: that is why it is a timeout, '
                    'not a refusal. Which rule it is depends on the engine.'),
    'network.seen_inside': 'What each client sees of its own network (ip -brief address):',
    'network.client_uid': ('{client}\'s own sleep runs as host UID {uid}{user}: the image\'s user, "{image_user}". The '
                           'kernel only knows the number.'),
    'network.errata': ['`lonely_curl` is never created in the chapter: run `docker network create lonely_curl` first.',
                       '`docker run - wbitt/network-multitool` is a typo: `docker run --rm wbitt/network-multitool '
                       'ip a` shows the interfaces on the default bridge, and `docker run --rm --network lonely_curl '
                       'wbitt/network-multitool ip a` those on lonely_curl (here the lab\'s images have ip already).'],
    'network.notes': [],

    # Scenario files.
    'ev.files_runs_as': '{name} runs as host UID {uids}, not {uid}',
    'ev.files_dir_missing': '{path} could not be read on the host ({error})',
    'ev.files_dir_not_dir': '{path} on the host is not a directory (a link or another kind), so it is not read',
    'ev.files_dir_owner': '{path} belongs to UID {owner} on the host (mode {mode}), not to UID {uid}',
    'ev.files_no_file': '{path} is not on the host: nobody wrote it',
    'ev.files_file_owner': '{path} on the host belongs to UID {owner} (UID {uid} expected)',
    'ev.files_not_asked': 'the host could not be asked whether {name} may write there ({error})',
    'ev.files_by_kernel': 'the host\'s kernel (faccessat by a process with its credentials)',
    'ev.files_by_mode': ('the directory\'s owner and mode bits (without root the kernel cannot be asked as another '
                         'UID)'),
    'ev.files_allowed': ('{name}\'s process (host UID {uid}, GID {gid}) MAY write in {path} (owner {owner}, mode '
                         '{mode}), says {method}: the directory is open to it'),
    'ev.files_refused': ('{name}\'s process (host UID {uid}, GID {gid}) may not write in {path} (owner {owner}, mode '
                         '{mode}): {errno}, says {method}'),
    'ev.files_not_refused': '{path} exists, owned by UID {owner}: the write was not refused',
    'ev.files_root_file': '{path} belongs to host UID {owner}: root in {name} (pid {pid}) {mapping}',
    'ev.files_root_is_root': 'is the host\'s root (no userns-remap)',
    'ev.files_root_remapped': 'is host UID {uid} (userns-remap: a subordinate UID, not root)',
    'files.title': 'SCENARIO 4 - UIDs AND FILE PERMISSIONS',
    'files.done': ('a directory of UID {uid} (mode 0755), bind-mounted into two containers that try to write in it, '
                   'and a world-writable one (mode 0777) where root in a third container writes:\n'
                   '  sudo install -d -o {uid} -g {uid} -m 0755 {owned_dir}\n'
                   '  sudo install -d -m 0777 {open_dir}\n'
                   '  docker run -d --name {owner} --user {uid} --userns host -v {owned_dir}:/data --entrypoint sh '
                   "{shell_image} -c 'touch /data/written-by-{uid}; exec sleep infinity'\n"
                   '  docker run -d --name {other} --user {other_uid} --userns host -v {owned_dir}:/data --entrypoint '
                   "sh {shell_image} -c 'touch /data/written-by-{other_uid}; exec sleep infinity'\n"
                   '  docker run -d --name {root} --user 0 -v {open_dir}:/data --entrypoint sh '
                   "{shell_image} -c 'rm -f /data/written-by-root; touch /data/written-by-root; exec sleep infinity'"),
    'files.look': ('the owners of the directory and of the files as the HOST sees them, and the host\'s refusal for '
                   '{other}\'s process (not what the container printed).'),
    'files.commands': ["stat -c '%u %g %a %n' {owned_dir} {open_dir}   # owners and modes, as numbers",
                       'ls -ln {owned_dir} {open_dir}   # `written-by-{uid}` and `written-by-root`; no `written-by-{other_uid}`',
                       "grep -E '^(Uid|Gid|Groups)' /proc/$(docker inspect -f '{go_pid}' {other})/status",
                       'sudo setpriv --reuid {other_uid} --regid 0 --groups 0 touch {owned_dir}/try   # refused',
                       'docker logs {other}   # the container\'s own word: Permission denied'],
    'files.why': ('a bind mount shows the host\'s directory itself inside the container: the same inode, its owner a '
                  'number. The kernel decides who writes by the process\'s host UID and GID against that number and '
                  'the mode bits, wherever the process is: UID {uid} owns the directory and writes; UID {other_uid} '
                  'is neither the owner nor in its group, mode 0755 gives it no write, and the kernel refuses it '
                  '(EACCES, "Permission denied"). No name is involved: neither UID has to exist in /etc/passwd. Root '
                  'in a container is the host\'s root (with fewer capabilities) and its files belong to UID 0; with '
                  'userns-remap, container root is a subordinate host UID, and its files belong to that UID.'),
    'files.notes': ['docker run --user {other_uid} with no such user in the image runs with GID 0 (root\'s group): a '
                    'directory writable by group 0 would let it write. The lab\'s directory belongs to group {uid}.',
                    'The two UID containers run with --userns host, so that on an engine with userns-remap their '
                    'UIDs are still the host\'s; the root one does not, to show the subordinate UID there.'],
    'files.errata': [],
    'ch.ev.files_no_file_of': ('no regular file in {path} belongs to UID {uid}: write one from a container running '
                               'with --user {uid}'),
    'ch.ev.files_no_other': ('no running container with {path} bind-mounted runs as a UID other than 0 and {uid}: '
                             'start one with --user of another UID (sleep keeps it running)'),
    'ch.ev.files_no_root_file': 'no regular file in {path} belongs to UID 0: write one from a container running as root',
    'ch.files_owner_writes.title': 'A file written as UID {uid} in a directory of UID {uid}',
    'ch.files_owner_writes.todo': ('Make {files_dir}/owned belong to UID {uid} (mode 0755), bind-mount it into a '
                                   'container running with --user {uid} and write a file there.'),
    'ch.files_owner_writes.hint1': ('The kernel only compares numbers: a directory of UID {uid} is writable by a process '
                                    'of UID {uid}, wherever that process runs.'),
    'ch.files_owner_writes.hint2': ('Root in a container is root on the host: a `docker run --rm` with {files_dir} '
                                    'bind-mounted can make owned/ and `chown` it to {uid}. Then `docker run` with --user '
                                    '{uid} and -v {files_dir}/owned:/data, and `touch` a file under /data.'),
    'ch.files_owner_writes.commands': [
        "docker run --rm -v {files_dir}:/d {shell_image} sh -c 'mkdir -p /d/owned && chown {uid}:{uid} /d/owned "
        "&& chmod 0755 /d/owned'",
        "docker run -d --name {files_owner} --user {uid} -v {files_dir}/owned:/data {shell_image} sh -c 'touch "
        "/data/written-by-{uid}; exec sleep infinity'",
        'ls -ln {files_dir}/owned'],
    'ch.files_other_refused.title': 'A container of another UID refused writing in that directory',
    'ch.files_other_refused.todo': ('Start a container with --user {other_uid} and {files_dir}/owned bind-mounted, '
                                    'keep it running, and let it try to write there.'),
    'ch.files_other_refused.hint1': ('UID {other_uid} is not the owner and not in the group: mode 0755 gives it read '
                                     'and search, not write. The lab asks the host\'s kernel for that process, not the '
                                     'container.'),
    'ch.files_other_refused.hint2': ('The previous command with --user {other_uid}; the container must keep running '
                                     '(sleep) for the lab to find it.'),
    'ch.files_other_refused.commands': [
        "docker run -d --name {files_other} --user {other_uid} -v {files_dir}/owned:/data {shell_image} sh -c 'touch "
        "/data/written-by-{other_uid}; exec sleep infinity'",
        'docker logs {files_other}   # touch: Permission denied',
        'ls -ln {files_dir}/owned   # no `written-by-{other_uid}`'],
    'ch.files_root_writes.title': 'A file written by root in a container, owned by root on the host',
    'ch.files_root_writes.todo': ('Bind-mount {files_dir}/open into a container running as root and write a file '
                                  'there; look at its owner on the host.'),
    'ch.files_root_writes.hint1': ('Without --user the container runs as the image\'s user, root here: the host sees '
                                   'UID 0 as the owner of what it writes.'),
    'ch.files_root_writes.hint2': '`docker run --rm` with -v {files_dir}/open:/data and `touch`, then `ls -ln` on the host.',
    'ch.files_root_writes.commands': [
        'docker run --rm -v {files_dir}/open:/data {shell_image} touch /data/written-by-root',
        'ls -ln {files_dir}/open   # owner 0'],
    'report.group.files': 'UIDs and file permissions',
    'report.short.files_owner_writes': 'owner writes',
    'report.short.files_other_refused': 'other UID refused',
    'report.short.files_root_writes': 'root\'s file',

    # Scenario overlay.
    'ev.overlay_driver': ('this engine keeps containers with the {driver} storage driver ({kind}), not overlay2: the '
                          'lab reads overlay2\'s directories only, so this is not judged here (`docker info -f '
                          '\'{{{{.Driver}}}}\'` says which; the explanation says what differs)'),
    'ev.overlay_outside': ('{name}: a directory the engine or /proc names is not a plain path under the engine\'s data '
                           'root {root}: not read'),
    'ev.overlay_layers': ('{name}\'s root mount (/proc/PID/mountinfo) is the engine\'s overlay: {layers} lowerdirs '
                          '(the image\'s layers and the container\'s -init layer), upperdir {upper}, merged at {merged}'),
    'ev.overlay_mount_differs': ('{name}\'s root mount is {fstype} with upperdir {upper}, but the engine says upperdir '
                                 '{engine}'),
    'ev.overlay_kind_file': 'regular file',
    'ev.overlay_kind_dir': 'directory',
    'ev.overlay_kind_link': 'symbolic link',
    'ev.overlay_kind_chardev': 'character device',
    'ev.overlay_kind_other': 'special file',
    'ev.overlay_kind_missing': 'nothing',
    'ev.overlay_written': '{path} is a regular file in the upperdir and holds "{mark}"',
    'ev.overlay_missing': '{path} does not exist',
    'ev.overlay_not_file': '{path} is not a regular file ({kind}): not read (a link is never followed)',
    'ev.overlay_unchanged': '{path} does not hold "{mark}": the container has not changed it',
    'ev.overlay_copied_up': ('{path} was copied up and holds "{mark}"; the image\'s layer still has the original, '
                             'without it ({lower})'),
    'ev.overlay_whiteout': ('{path} is a whiteout (character device 0/0) hiding {lower}, which is still in the '
                            'image\'s layer'),
    'ev.overlay_not_whiteout': '{path} is not a whiteout, a character device 0/0 ({kind})',
    'ev.overlay_shared': ('{name} and {twin} share the image\'s lower layers ({layers}: the same directories in both '
                          'root mounts), each with an upperdir of its own'),
    'ev.overlay_not_shared': '{name} and {twin} do not share their image\'s lower layers',
    'overlay.title': 'SCENARIO 5 - THE OVERLAY FILESYSTEM',
    'overlay.done': ('two containers of one image: {name} writes a file, changes a file of the image and deletes '
                     'another, then sleeps; {twin} only sleeps:\n'
                     "  docker run -d --name {name} --entrypoint sh {shell_image} -c '...'\n"
                     '  docker run -d --name {twin} --entrypoint sleep {shell_image} infinity'),
    'overlay.look': ('the container\'s root is an overlay mount: the image\'s layers as lowerdirs, the container\'s '
                     'upperdir on top. /{written} is in the upperdir, /{changed} was copied up there (the image\'s '
                     'layer unchanged), /{deleted} is a whiteout; {twin} uses the same lowerdirs.'),
    'overlay.commands': ["docker inspect -f '{go_upper}' {name}",
                         "docker inspect -f '{go_lower}' {name}   # the -init layer, then the image's",
                         "PID=$(docker inspect -f '{go_pid}' {name})",
                         "grep ' / / ' /proc/$PID/mountinfo   # overlay: lowerdir=...,upperdir=...,workdir=...",
                         "UPPER=$(docker inspect -f '{go_upper}' {name})",
                         'sudo ls -la $UPPER $UPPER/etc',
                         'sudo cat $UPPER/{written} $UPPER/{changed}',
                         'sudo stat -c \'%F %t/%T\' $UPPER/{deleted}   # character special file 0/0: a whiteout',
                         "docker inspect -f '{go_lower}' {twin}   # the same image layers",
                         'docker diff {name}   # A, C, D: what the engine reads from the upperdir'],
    'overlay.why': ('an image is a stack of read-only layers; the engine does not copy them for each container. It '
                    'mounts an overlay: the layers as lowerdirs, an empty directory of the container\'s own as the '
                    'upperdir, and the merged view as the container\'s /. Writes go to the upperdir; changing a file of '
                    'the image first copies it up (the layer keeps the original); deleting one leaves a whiteout, a '
                    'character device 0/0 that hides it. So containers of one image share its layers on disk, and '
                    'everything a container changed is in one directory on the host, which root on the host can read.'),
    'overlay.other_driver': ('this engine uses {driver}, not overlay2. With the containerd image store (Docker 29 '
                             'by default; "containerd-snapshotter" in daemon.json before) the layers are containerd\'s '
                             'snapshots (.../io.containerd.snapshotter.v1.overlayfs/snapshots/N/fs) and the container\'s '
                             'GraphDriver names no directory, but /proc/PID/mountinfo still shows an overlay and docker '
                             'diff its changes; with vfs each container is a full copy, with btrfs or zfs a snapshot: no '
                             'lowerdir, no upperdir, no whiteout to see.'),
    'overlay.errata': [],
    'overlay.notes': ['The lowerdirs in mountinfo are short links (/var/lib/docker/overlay2/l/...) that overlay2 makes '
                      'to keep the mount options short: `sudo readlink` one to find the layer.'],
    'ch.err.overlay_no_namespace': 'the lab did not read its own mount namespace: run lab check, then lab solve again',
    'ch.ev.overlay_no_container': 'no container is running: start one that stays up (docker ps lists none)',
    'ch.ev.overlay_no_layers': ('{name}\'s root mount is not the engine\'s overlay2 upperdir (docker inspect and '
                                '/proc/PID/mountinfo disagree)'),
    'ch.ev.overlay_changes_missing': ('{name} (upperdir {upper}) has no {missing} yet: docker diff lists only what is '
                                      'in the upperdir (a volume or a bind mount is not)'),
    'ch.ev.overlay_kind_a': 'new file (A)',
    'ch.ev.overlay_kind_c': 'changed file of the image (C)',
    'ch.ev.overlay_kind_d': 'deleted file of the image (D)',
    'ch.ev.overlay_changes': ('{name}\'s upperdir {upper} holds {added} (added), {changed} (copied up) and {deleted} '
                              '(a whiteout), and its root mount in /proc/PID/mountinfo names that upperdir'),
    'ch.ev.overlay_own_mount': 'an overlay of yours is mounted at {point}: lowerdir {lower}, upperdir {upper}',
    'ch.ev.overlay_read_only': ('{point} is an overlay without upperdir and workdir: read-only, nothing you write can '
                                'go anywhere; give it the three directories'),
    'ch.ev.overlay_no_mount': 'no overlay is mounted on the host outside Docker\'s (grep overlay /proc/self/mountinfo)',
    'ch.overlay_changes.title': 'A container\'s changes in its upperdir: a new file, a copy-up, a whiteout',
    'ch.overlay_changes.todo': ('In a running container, write a new file, change a file of the image (/etc/issue) '
                                'and delete another (/etc/issue.net); then find the three in its upperdir.'),
    'ch.overlay_changes.hint1': ('The container\'s / is an overlay: everything it changes goes to one directory, the '
                                 'upperdir. The image\'s layers below never change.'),
    'ch.overlay_changes.hint2': ('Start a container that stays up, make the three changes with docker exec, and look '
                                 'at the upperdir that docker inspect names (GraphDriver) and at docker diff.'),
    'ch.overlay_changes.commands': ['docker run -d --name {overlay_container} {shell_image} sleep infinity',
                                    "docker exec {overlay_container} sh -c 'echo hi > /new.txt; echo hi >> /etc/issue; "
                                    "rm /etc/issue.net'",
                                    'docker diff {overlay_container}',
                                    "sudo ls -la $(docker inspect -f '{go_upper}' {overlay_container})/etc"],
    'ch.overlay_own_mount.title': 'Your own overlay: lowerdir, upperdir and workdir on the host',
    'ch.overlay_own_mount.todo': ('Make four directories on the host (lower, upper, work, merged), put a file in '
                                  'lower and mount an overlay of them on merged, as in Julia Evans\' article.'),
    'ch.overlay_own_mount.hint1': ('An overlay needs lowerdir (read-only), upperdir (where writes go) and workdir (an '
                                   'empty directory of the same filesystem as upperdir).'),
    'ch.overlay_own_mount.hint2': ('mount -t overlay takes them as options: -o lowerdir=...,upperdir=...,workdir=...; '
                                   'it needs root: sudo where you have it; without sudo, the docker group is root, and '
                                   'a container with --pid host can run the mount in your shell\'s mount namespace '
                                   '(nsenter --target $$ --mount). Then write in merged and look in upper.'),
    'ch.overlay_own_mount.commands': ['mkdir -p /tmp/ov/lower /tmp/ov/upper /tmp/ov/work /tmp/ov/merged',
                                      'echo from-lower > /tmp/ov/lower/a.txt',
                                      'docker run --rm --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --security-opt '
                                      'apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ --mount -- mount '
                                      '-t overlay overlay -o lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,'
                                      'workdir=/tmp/ov/work /tmp/ov/merged   # with sudo: sudo mount -t overlay ...',
                                      'echo new > /tmp/ov/merged/b.txt; ls /tmp/ov/upper',
                                      'grep /tmp/ov/merged /proc/self/mountinfo'],
    'report.group.overlay': 'The overlay filesystem',
    'report.short.overlay_layers': 'layers and upperdir',
    'report.short.overlay_written': 'write in upperdir',
    'report.short.overlay_copied_up': 'copy-up',
    'report.short.overlay_whiteout': 'whiteout',
    'report.short.overlay_shared_lower': 'shared layers',
    'report.short.overlay_changes': 'upperdir changes',
    'report.short.overlay_own_mount': 'own overlay mount',

    # Scenario scratch.
    'err.link_not_lab': ("A network interface named {name} already exists and is not the lab's (its ifalias is not "
                         "microlab.lab=docker_internals): the lab does not touch it. Rename or remove it, then run "
                         "the lab again."),
    'err.netns_not_lab': ("A network namespace named {name} already exists and the lab did not make it: the lab does "
                          "not touch it. Remove it (sudo ip netns delete {name}), then run the lab again."),
    'ev.scratch_no_process': ('the lab\'s unshared process is not running (its state, {state}, names none alive with '
                              'the start time it recorded)'),
    'ev.scratch_no_rootfs': '{path} does not hold an exported filesystem (no usr/lib/os-release, or not the lab\'s)',
    'ev.scratch_other_root': ('process {pid}\'s root is not {path} (readlink /proc/{pid}/root: {root}; the kernel\'s '
                              'root directory of the process and {path} are not the same inode)'),
    'ev.scratch_rootfs': ('{path} holds the filesystem exported from image {image}, and process {pid}\'s root '
                          '(/proc/{pid}/root) is that very directory: chroot'),
    'ev.scratch_host_pid_ns': ('process {pid} is in the host\'s PID namespace (pid:[{inode}] in /proc/{pid}/ns): it '
                               'cannot be PID 1'),
    'ev.scratch_not_one': 'process {pid} is not PID 1 of its namespace (NSpid: {nspid})',
    'ev.scratch_host_mnt_ns': ('process {pid} is PID 1 of PID namespace pid:[{inode}] but shares the host\'s mount '
                               'namespace: its /proc would be the host\'s'),
    'ev.scratch_pid_one': ('process {pid} is PID 1 of its own PID namespace (NSpid: {pid} 1; pid:[{inode}], the '
                           'host\'s is pid:[{host}]) with a mount namespace of its own (mnt:[{mnt}]) and its own /proc'),
    'ev.scratch_host_uts_ns': 'process {pid} shares the host\'s UTS namespace (uts:[{inode}]): no hostname of its own',
    'ev.scratch_hostname': ('process {pid}\'s UTS namespace (uts:[{inode}]) is called {hostname}; the host is still '
                            '{host}'),
    'ev.scratch_host_net_ns': 'process {pid} shares the host\'s network namespace (net:[{inode}])',
    'ev.scratch_place_self': 'the process\'s side',
    'ev.scratch_place_peer': 'the peer namespace\'s side',
    'ev.scratch_place_alone': 'the lone namespace\'s side',
    'ev.scratch_place_bridge': 'the bridge',
    'ev.scratch_link_missing': 'there is no interface {name} ({place}; ip link)',
    'ev.scratch_link_down': 'interface {name} ({place}) is down: ip link shows it without UP',
    'ev.scratch_link_address': 'interface {name} ({place}) does not have {address}',
    'ev.scratch_link_not_on_bridge': 'interface {name} ({place}) is not a port of bridge {bridge}',
    'ev.scratch_link_on_bridge': 'interface {name} ({place}) is a port of bridge {bridge}: it should stay apart',
    'ev.scratch_peer_unreached': 'no echo reply from {address} on bridge {bridge}',
    'ev.scratch_alone_reached': '{address} answered although no bridge connects it',
    'ev.scratch_network': ('process {pid} has a network namespace of its own (net:[{inode}], the host\'s is '
                           'net:[{host}]); through its veth and bridge {bridge} it reaches {peer} (echo reply), '
                           'and not {alone}, whose veth is on no bridge (no reply)'),
    'ev.scratch_limit': 'the lab\'s cgroup {path} has {file} {limit}, not {wanted}',
    'ev.scratch_not_in_cgroup': 'process {pid} is in cgroup {cgroup}, not in the lab\'s {path}',
    'ev.scratch_container_limit': '{name}\'s cgroup {path} has {file} {limit}, not {wanted}',
    'ev.scratch_memory': ('process {pid} is in cgroup {path}, whose {file} is {limit} (set by hand); {name}\'s cgroup '
                          '{container} has the same {file}, set by `docker run --memory`'),
    'scratch.title': 'SCENARIO 6 - A CONTAINER FROM SCRATCH',
    'scratch.done': ('a container without Docker, after Liz Rice: the image\'s filesystem exported to a directory, '
                     'one process in new namespaces chrooted there, a bridge and veth pairs, a memory cgroup:\n'
                     '  docker export $(docker create {shell_image}) | sudo tar -x -C {rootfs}\n'
                     '  sudo unshare --pid --mount --uts --net --fork --mount-proc={rootfs}/proc chroot {rootfs} '
                     'sleep infinity &\n'
                     '  (hostname {hostname} in its UTS namespace; bridge {bridge}; veth pairs to it, to {peer_ns} '
                     'and to {alone_ns}, the last on no bridge)\n'
                     '  sudo iptables -I FORWARD -i {bridge} -o {bridge} -j ACCEPT   # as Docker does for docker0: '
                     'the engine\'s FORWARD policy is DROP and bridged frames go through it\n'
                     '  sudo mkdir {cgroup_root}{cgroup}; echo {memory} | sudo tee {cgroup_root}{cgroup}/{limit_file}\n'
                     '  docker run -d --name {name} --memory {memory_mb}m {shell_image} sleep infinity'),
    'scratch.look': ('process {pid} is PID 1 in its own PID namespace and {hostname} in its own UTS namespace; its '
                     '/ is {rootfs}; it reaches {peer} across bridge {bridge} and not {alone}; its cgroup\'s limit is '
                     'the one `docker run --memory {memory_mb}m` gives {name}.'),
    'scratch.commands': ['PID={pid}',
                         'sudo ls -l /proc/$PID/ns /proc/1/ns   # pid, mnt, uts, net: other inodes than the host\'s',
                         'grep NSpid /proc/$PID/status   # its PID on the host, then 1',
                         'sudo readlink /proc/$PID/root   # {rootfs}',
                         'sudo nsenter --target $PID --uts hostname   # {hostname}',
                         'sudo nsenter --target $PID --net ip addr show eth0',
                         'ip link show master {bridge}',
                         'sudo ip netns exec {peer_ns} ip addr show eth0',
                         "sudo nsenter --target $PID --net timeout 2 bash -c 'echo > /dev/tcp/{peer}/9'"
                         "   # \"Connection refused\": an answer, so it is reached",
                         "sudo nsenter --target $PID --net timeout 2 bash -c 'echo > /dev/tcp/{alone}/9'"
                         "   # no answer within 2 s",
                         'cat /proc/$PID/cgroup {cgroup_root}{cgroup}/{limit_file}',
                         "cat /proc/$(docker inspect -f '{go_pid}' {name})/cgroup   # then its {limit_file}"],
    'scratch.why': ('a container is not a thing of its own: it is an ordinary process that the kernel gives other '
                    'namespaces (its own PIDs, mounts, hostname and network), a root directory that is an image\'s '
                    'files, and a cgroup that limits its resources. Docker asks the kernel for exactly these; here '
                    'the same kernel calls are made with unshare, chroot, ip and a write under /sys/fs/cgroup. A '
                    'network namespace starts with no interface: a veth pair is a cable with one end inside and one '
                    'outside, and a bridge joins the outside ends, as docker0 does; whatever is on no common bridge '
                    'is not reached, which is the network isolation of the chapter rebuilt by hand.'),
    'scratch.cgroup_v1': ('this VM has cgroup v1: the memory limit is memory.limit_in_bytes under {cgroup_root} (with '
                          'cgroup v2, the unified hierarchy, it is memory.max under /sys/fs/cgroup).'),
    'scratch.errata': [],
    'scratch.notes': ['Liz Rice\'s version is a Go program that calls clone with the same flags (CLONE_NEWPID, '
                      'CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWNET), sethostname, chroot and mounts /proc: unshare and '
                      'chroot make those calls from the shell.'],
    'report.group.scratch': 'A container from scratch',
    'report.short.scratch_rootfs': 'exported root',
    'report.short.scratch_pid_one': 'PID 1',
    'report.short.scratch_hostname': 'own hostname',
    'report.short.scratch_network': 'veth and bridge',
    'report.short.scratch_memory': 'memory cgroup',

    # Scenario scratch, challenge.
    'ch.ev.scratch_no_rootfs': ('there is no {path} yet: make it and unpack there the filesystem of a container '
                                '(docker export $(docker create IMAGE) | tar -x -C {path})'),
    'ch.ev.scratch_rootfs_not_dir': '{path} is not a directory (a link or a file): the exported filesystem goes in a directory',
    'ch.ev.scratch_saved': ('{path} holds {file}: that is docker save\'s layout, the image\'s layers as tarballs, not a '
                            'filesystem a process can use as its root; docker export of a container gives one'),
    'ch.ev.scratch_rootfs_empty': ('{path} holds no filesystem of an image (no etc/os-release nor usr/lib/os-release): '
                                   'unpack docker export\'s tar there'),
    'ch.ev.scratch_not_exported': ('{path} holds a filesystem but no .dockerenv, the file the engine puts in every '
                                   'container: it was not exported from a container (docker export $(docker create '
                                   'IMAGE))'),
    'ch.ev.scratch_exported': ('{path} holds the filesystem exported from a container: an os-release and the '
                               '.dockerenv the engine put there'),
    'ch.ev.scratch_no_process': ('no process has {path} as its root (the kernel\'s /proc/PID/root): start one with '
                                 'unshare ... chroot {path}'),
    'ch.ev.scratch_host_pid': ('process {pid} has {path} as its root but runs in the host\'s PID namespace (NSpid: '
                               '{nspid}): chroot changes the root only, not what the process sees; unshare --pid '
                               '--fork gives it a PID namespace of its own'),
    'ch.ev.scratch_not_pid_one': ('process {pid} has {path} as its root and a PID namespace of its own, but is not its '
                                  'PID 1 (NSpid: {nspid}): unshare --pid needs --fork, so that the child is PID 1'),
    'ch.ev.scratch_host_mnt': ('process {pid} is PID 1 of its own PID namespace but shares the host\'s mount namespace '
                               '(mnt:[{inode}]): give it --mount (and --mount-proc for its own /proc)'),
    'ch.ev.scratch_host_uts': ('process {pid} is PID 1 of its own PID namespace but shares the host\'s UTS namespace '
                               '(uts:[{inode}]): give it --uts, so that it can have a hostname of its own'),
    'ch.ev.scratch_host_net': ('process {pid} is PID 1 of its own PID namespace but shares the host\'s network '
                               'namespace (net:[{inode}]): give it --net'),
    'ch.ev.scratch_same_hostname': ('process {pid} has a UTS namespace of its own, but its hostname is still {hostname} '
                                    '(the host is {host}): set one inside (hostname container)'),
    'ch.ev.scratch_unshared': ('process {pid} has {path} as its root and is PID 1 of its own PID namespace, in mount, '
                               'UTS and network namespaces that are not the host\'s; it is called {hostname}, the '
                               'host {host}'),
    'ch.ev.scratch_needs_unshared': ('first step {step} of this scenario: no process rooted in the exported directory '
                                     'is PID 1 of namespaces of its own yet'),
    'ch.ev.scratch_no_veth': ('process {pid} has no veth in its network namespace (it has {links}): unshare --net '
                              'gives it only `lo`; make a veth pair on the host and move one end into it (ip link set '
                              'ENDNAME netns {pid})'),
    'ch.ev.scratch_veth_down': ('process {pid}\'s {name} is down: ip link set {name} up inside its network namespace '
                                '(nsenter --target {pid} --net)'),
    'ch.ev.scratch_veth_no_address': ('process {pid}\'s {name} is up but has no IPv4 address: ip addr add ADDRESS/24 dev '
                                      '{name} inside its network namespace'),
    'ch.ev.scratch_peer_not_host': ('process {pid}\'s {name} ({address}) is a veth whose other end is not on the host '
                                    '(it stayed in the process\'s namespace or went to another): make the pair on the '
                                    'host and move only one end in'),
    'ch.ev.scratch_peer_down': ('process {pid}\'s {name} ({address}) is paired with {peer} on the host, but {down} is '
                                'down: ip link set {down} up'),
    'ch.ev.scratch_docker_bridge': ('process {pid}\'s {name} is paired with {peer}, which is on {bridge}, a bridge of '
                                    'Docker\'s: the reading rebuilds the network without Docker, on a bridge of your own '
                                    '(ip link add br0 type bridge)'),
    'ch.ev.scratch_peer_no_address': ('process {pid}\'s {name} ({address}) is paired with {peer} on the host, but {where} '
                                      'has no IPv4 address to reach: ip addr add ADDRESS/24 dev {where}, in the same '
                                      'network as {address}'),
    'ch.ev.scratch_no_echo': ('process {pid}\'s {name} ({address}) is paired with {peer} on the host (bridge: {bridge}), '
                              'but an ICMP echo from its network namespace to {target} was not answered ({error}): are '
                              'both addresses in one network?'),
    'ch.ev.scratch_linked': ('process {pid}\'s {name} ({address}) is one end of a veth pair whose other end, {peer}, is '
                             'on the host; an ICMP echo from its network namespace to {target} was answered'),
    'ch.ev.scratch_linked_bridge': ('process {pid}\'s {name} ({address}) is one end of a veth pair whose other end, '
                                    '{peer}, is on the bridge {bridge}; an ICMP echo from its network namespace to '
                                    '{target} was answered'),
    'ch.ev.scratch_container_cgroup': ('process {pid} is in {path}, the cgroup Docker made for container {name}: make a '
                                       'cgroup of your own under {root} and move the process there'),
    'ch.ev.scratch_not_in_cgroup': ('process {pid} is still in {path}, the memory cgroup of its parent, with no limit: '
                                    'move it into the cgroup you made (echo {pid} > {root}/NAME/cgroup.procs)'),
    'ch.ev.scratch_no_limit': ('process {pid} is in the memory cgroup {path}, but its {file} says {limit}, no limit: '
                               'write one (echo 64M > {root}{path}/{file})'),
    'ch.ev.scratch_limited': ('process {pid} is in the memory cgroup {path}, whose {file} is {limit} bytes, set by hand; '
                              'container {name}, started with `docker run --memory`, has the same limit in its cgroup '
                              '{container}'),
    'ch.ev.scratch_other_limit': ('process {pid}\'s cgroup has a limit of {limit} bytes, but container {name}\'s cgroup '
                                  'says {other}: start one with the same limit (`docker run --memory`)'),
    'ch.ev.scratch_no_memory_container': ('process {pid}\'s cgroup has a limit of {limit} bytes, and no running container '
                                          'has a memory limit in its cgroup: start one with `docker run --memory` and the '
                                          'same number'),
    'ch.scratch_exported.title': 'An image\'s filesystem exported to a directory',
    'ch.scratch_exported.todo': ('Export the filesystem of a container of the lab\'s image ({shell_image}) and unpack '
                                 'it in /var/tmp/rootfs, as Liz Rice\'s container gets its root from a directory.'),
    'ch.scratch_exported.hint1': ('An image is layers; a container of it has one filesystem, the layers merged. docker '
                                  'export writes that filesystem as a tar (docker save writes the layers instead).'),
    'ch.scratch_exported.hint2': ('docker create makes a container without starting it and prints its ID; give it to '
                                  'docker export and unpack the tar with tar -x -C /var/tmp/rootfs. As your user, tar '
                                  'cannot make the device files of /dev: those messages are expected.'),
    'ch.scratch_exported.commands': ['mkdir -p /var/tmp/rootfs',
                                     'docker export $(docker create {shell_image}) | tar -x -C /var/tmp/rootfs',
                                     'ls -a /var/tmp/rootfs'],
    'ch.scratch_unshared.title': 'A process in namespaces of its own, chrooted in that directory',
    'ch.scratch_unshared.todo': ('Start a process (sleep) with unshare in new PID, mount, UTS and network namespaces, '
                                 'chrooted in /var/tmp/rootfs, PID 1 of its namespace and with a hostname of its '
                                 'own (container), and leave it running.'),
    'ch.scratch_unshared.hint1': ('A container is a process: unshare gives it new namespaces (--pid, --mount, --uts, '
                                  '--net; --fork so that its child is PID 1, --mount-proc for its own /proc), chroot '
                                  'gives it the directory as its root, hostname names it inside its UTS namespace.'),
    'ch.scratch_unshared.hint2': ('unshare and chroot need root: sudo where you have it; without sudo, the docker group '
                                  'is root, and a container with --pid host can run them in your shell\'s mount '
                                  'namespace (nsenter --target $$ --mount; that container needs no network: --network '
                                  'none). Before chroot, drop the host\'s network namespace mounts that the new mount '
                                  'namespace copied (findmnt -t nsfs, umount -l): held there, a removed '
                                  'container\'s network namespace would live on with its address. End with exec '
                                  'sleep infinity, so that it stays up.'),
    'ch.scratch_unshared.commands': ['docker run -d --network none --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE '
                                     '--security-opt apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ '
                                     '--mount -- '
                                     'unshare --pid --mount --uts --net --fork --mount-proc=/var/tmp/rootfs/proc sh -c '
                                     '\'findmnt -rn -t nsfs -o TARGET | xargs -r -n1 umount -l; exec chroot '
                                     '/var/tmp/rootfs sh -c "hostname container; exec sleep infinity"\'   # with sudo: '
                                     'sudo unshare ...',
                                     'sleep 1; ps -o pid,args -C sleep'],
    'ch.scratch_linked.title': 'A veth pair that reaches the process from the host',
    'ch.scratch_linked.todo': ('Give the unshared process a network, as Liz Rice does without Docker: a veth pair made '
                               'with ip on the host, one end moved into the process\'s network namespace, up, with an '
                               'IPv4 address; the other end on the host (or on a bridge of yours) with an address in the '
                               'same network, so that the process reaches it.'),
    'ch.scratch_linked.hint1': ('A veth pair is a cable with two ends: what goes in one comes out of the other. unshare '
                                '--net left the process with `lo` only; one end of a pair goes in, the other stays on the '
                                'host, alone or on a bridge (the switch docker0 is for Docker\'s containers).'),
    'ch.scratch_linked.hint2': ('ip link add veth0 type veth peer name veth1 makes the pair; ip link set veth1 netns PID '
                                'moves one end into the namespace of the process PID (pgrep finds it: the child of '
                                'unshare); inside it (nsenter --target PID --net) give it an address and bring it up, as '
                                'the host end. ip needs root: the docker group is, with --network host for the host\'s '
                                'network. lab check sends the echo itself.'),
    'ch.scratch_linked.commands': ['PID=$(pgrep -n -P "$(pgrep -d, -x unshare)")',
                                   'docker run --rm --network host --pid host --cap-add NET_ADMIN --cap-add SYS_ADMIN '
                                   '--cap-add SYS_PTRACE --security-opt apparmor=unconfined --entrypoint nsenter '
                                   '{shell_image} --target $$ --mount -- sh -c "ip link add br0 type bridge; ip addr add '
                                   '10.10.0.1/24 dev br0; ip link set br0 up; ip link add veth0 type veth peer name '
                                   'veth1; ip link set veth0 master br0 up; ip link set veth1 netns $PID; nsenter '
                                   '--target $PID --net sh -c \'ip addr add 10.10.0.2/24 dev veth1; ip link set veth1 '
                                   'up\'"   # with sudo: sudo ip link add ...',
                                   'docker run --rm --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --security-opt '
                                   'apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ --mount -- '
                                   'nsenter --target $PID --net ip -4 addr'],
    'ch.scratch_limited.title': 'A memory limit set by hand, and the same from `docker run --memory`',
    'ch.scratch_limited.todo': ('Make a memory cgroup of your own under /sys/fs/cgroup, give it a limit (64M) by hand, '
                                'move the unshared process into it, and start a container with `docker run --memory` of '
                                'the same limit: its cgroup shows the same number.'),
    'ch.scratch_limited.hint1': ('A cgroup is a directory of /sys/fs/cgroup: mkdir makes one, its files are its '
                                 'settings (memory.limit_in_bytes on cgroup v1, under memory/; memory.max on v2), and '
                                 'writing a PID to its cgroup.procs moves that process in. `docker run --memory` writes '
                                 'the same file for the container\'s cgroup.'),
    'ch.scratch_limited.hint2': ('Writing there needs root: the docker group is, in a container with --pid host in your '
                                 'shell\'s mount and cgroup namespaces (nsenter --target $$ --mount --cgroup: with cgroup v2 a process is '
                                 'moved only from a cgroup namespace that holds both cgroups). /proc/PID/cgroup says which '
                                 'cgroup a process is in, yours and the container\'s.'),
    'ch.scratch_limited.commands': ['PID=$(pgrep -n -P "$(pgrep -d, -x unshare)")',
                                    'docker run --rm --pid host --cap-add SYS_ADMIN --cap-add SYS_PTRACE --security-opt '
                                    'apparmor=unconfined --entrypoint nsenter {shell_image} --target $$ --mount --cgroup '
                                    '-- sh -c \'cd /sys/fs/cgroup/memory 2>/dev/null || cd /sys/fs/cgroup; mkdir -p scratch; '
                                    'for f in memory.limit_in_bytes memory.max; do [ ! -e scratch/$f ] || echo 64M > '
                                    'scratch/$f; done; echo $0 > scratch/cgroup.procs\' $PID   # with sudo: sudo mkdir '
                                    '...',
                                    'docker run -d --memory 64m {shell_image} sleep infinity',
                                    'cat /proc/$PID/cgroup'],
    'report.short.scratch_exported': 'exported root',
    'report.short.scratch_unshared': 'unshared process',
    'report.short.scratch_linked': 'veth to the host',
    'report.short.scratch_limited': 'memory limit by hand',

    # Reset.
    'reset.text': ('LAB RESET{dry}\n'
                   'Lab containers: {containers}\n'
                   'Lab networks: {networks}\n'
                   'Directories the lab made (with what was written in them): {directories}\n'
                   'Only what carries the lab\'s labels and the directories it made are removed; your own containers, '
                   'networks, images and directories stay. '
                   'Check with:\n'
                   '  docker ps -a --filter label=microlab.lab.scenario\n'
                   '(Do not run `docker rm -f $(docker ps -aq)`: it removes EVERY container, not only the lab\'s.)'),
    'reset.dry': ' (dry run: nothing is removed)',
    'reset.none_containers': 'none',
    'reset.none_networks': 'none',
    'reset.none_directories': 'none',

    # Failures of the roles and filters.
    'err.container_not_lab': ("A container named {name} already exists and is not the lab's (it has no microlab.lab "
                              "label), so the lab will not replace it. Rename it (docker rename {name} {name}-mine) or "
                              "give the lab's container another name."),
    'err.network_not_lab': ("A network named {name} already exists and is not the lab's (it has no microlab.lab "
                            "label), so the lab will not change it. Remove or rename it, or set lab_network_name to "
                            "another name."),
    'err.dir_is_link': ('{path} is a symbolic link: the lab makes its directories itself and never follows a link. '
                        'Remove the link, or set the scenario\'s directory to another path.'),
    'err.dir_not_dir': ('{path} exists and is not a directory, so the lab will not use it. Remove it, or set the '
                        'scenario\'s directory to another path.'),
    'err.outcome_failed': '{scenarios}: {ids} did not pass (see the evidence above).',
    'err.outcomes_failed': '{scenarios}: {ids} did not pass (see the evidence above).',
    'err.input': 'The lab\'s settings are not valid, nothing was changed: {problems}',
    'input.range': '{name} must be an integer from {low} to {high} (got {value}).',
    'input.container_name': '{name} must be a Docker container name: letters, digits, _ . - (got {value}).',
    'input.network_name': ('{name} must be a new Docker network name, not empty and not bridge, host, none or default '
                           '(got {value}).'),
    'input.distinct': '{names} must be distinct container names (got {value}).',
    'input.absolute_path': '{name} must be an absolute path of a directory of its own, such as /var/lib/microlab/users (got {value}).',
    'input.text': '{name} must be a text value, not a list or a dict.',
    'input.nonempty': '{name} must be a non-empty text (got {value}).',
    # Challenge mode.
    'ch.ev.no_container': 'no container is running: start one that stays up (docker ps lists none)',
    'ch.ev.no_uid': 'no running container has all its processes as host UID {uid}: {seen}',
    'ch.ev.network_missing': 'there is no network called {network} (docker network ls)',
    'ch.ev.network_exists': '{network} exists (driver {driver}, subnet {subnet}, host bridge {bridge})',
    'ch.ev.by_lab': '{evidence} (made by the lab with `lab solve`, not by you)',
    'ch.ev.run_uid': '{name} ({image}: {command}), started {at}, ran as host UID {uid}',
    'ch.ev.server_host_network': ('{name} runs with --network host: it shares the host\'s network namespace instead of '
                                  'having its own; run it without --network'),
    'ch.ev.server_published': ('{name} publishes {ports} with -p: docker-proxy then listens for it on the host; run it '
                               'without -p'),
    'ch.ev.server_not_nginx': '{name} runs {commands}, not nginx: start it from the nginx image',
    'ch.ev.network_driver': ('{network} uses the {driver} driver: only a bridge network counts (docker network create '
                             '{network}, whose default driver is bridge)'),
    'ch.ev.network_internal': ('{network} was created with --internal: it has no way out at all, so a timeout there '
                               'says nothing about how bridges are kept apart; create it without --internal'),
    'ch.ev.probe_in': 'the lab\'s curl in {client}\'s network namespace',
    'ch.ev.probe_on': 'the lab\'s curl on {network}',
    'ch.ev.probe': '{where}, GET {url}: {what}',
    'ch.ev.probe_not_run': '{where} could not run: {error}',
    'ch.ev.run_curl': '{name} ({image}: {command}), started {at}, on {network} only: curl exit code {rc} from {ip}',
    'ch.ev.no_curl_run': ('{seen}, but you have not run it yourself: run curl to {ip} from a container on {network} '
                          'only (the chapter\'s `docker run --rm ...` command)'),
    'ch.ev.side_live': '{client} has {ip} on {network} (subnet {subnet})',
    'ch.ev.side_run': '`{command}` in {name} ({image}), started {at}, showed {ip} on {network} (subnet {subnet})',
    'ch.ev.no_side': ('no container on {network} only has shown its address: run `ip a` in one (`docker run --rm '
                      '--network {network} IMAGE ip a`)'),
    'ch.users_root.title': 'A container whose process runs as root (UID 0) on the host',
    'ch.users_root.todo': 'Start a container without --user (sleep 500 will do) and find its process in the host\'s ps.',
    'ch.users_root.hint1': ('A container is a process of this very kernel. Without --user it runs as the image\'s '
                            'user, usually root: UID 0 on the host too.'),
    'ch.users_root.hint2': ('`docker run -d` starts it in the background and sleep keeps it alive; then look for sleep '
                            'in the host\'s process table (ps).'),
    'ch.users_root.commands': ['docker run -d {shell_image} sleep 500',
                               'ps -o user,uid,pid,args -C sleep'],
    'ch.users_uid.title': 'A container whose process runs as UID {uid} on the host',
    'ch.users_uid.todo': 'Start a container with --user {uid} (sleep 500 will do) and find UID {uid} in the host\'s ps.',
    'ch.users_uid.hint1': ('--user sets the UID the container\'s process runs with. The kernel only knows numbers: no '
                           'user {uid} needs to exist anywhere.'),
    'ch.users_uid.hint2': 'The same command as the previous step, with --user {uid} before the image name.',
    'ch.users_uid.commands': ['docker run -d --user {uid} {shell_image} sleep 500',
                              'ps -o user,uid,pid,args -C sleep   # UID {uid}'],
    'ch.nginx_netns.title': '{server} runs nginx, listening on :{port} in its own network namespace',
    'ch.nginx_netns.todo': ('Start nginx in a container called {server} (without -p) and look at the sockets of its '
                            'network namespace.'),
    'ch.nginx_netns.hint1': 'Every container has its own network namespace: its own interfaces and its own sockets.',
    'ch.nginx_netns.hint2': ('--name {server} names the container; the nginx image starts nginx by itself. The PID '
                             'from docker inspect leads to its namespace: /proc/PID/net/tcp, or nsenter with sudo.'),
    'ch.nginx_netns.commands': ['docker run -d --name {server} {nginx_image}',
                                "PID=$(docker inspect -f '{go_pid}' {server})",
                                'sudo nsenter -t "$PID" -n ss -tln   # inside: 0.0.0.0:{port}',
                                'grep -i ":{port_hex} 00000000:0000 0A" /proc/$PID/net/tcp   # the same without sudo'],
    'ch.nginx_not_on_host.title': 'Nothing listens on :{port} in the host\'s own network namespace',
    'ch.nginx_not_on_host.todo': 'Run ss -tln on the host: nginx\'s :{port} must not be there (do not publish it with -p).',
    'ch.nginx_not_on_host.hint1': 'The host has its own network namespace; the container\'s sockets are not in it.',
    'ch.nginx_not_on_host.hint2': ('With -p {port}:{port}, docker-proxy would listen on the host\'s :{port}. If {server} '
                                   'was started with -p, remove it and start it again without -p.'),
    'ch.nginx_not_on_host.commands': ['ss -tln   # no :{port} here',
                                      'docker rm -f {server} && docker run -d --name {server} {nginx_image}   # only if it had -p'],
    'ch.nginx_by_ip.title': 'The host reaches {server} by its IP address',
    'ch.nginx_by_ip.todo': 'Find {server}\'s IP address and ask nginx for a page from the host.',
    'ch.nginx_by_ip.hint1': ('A container on the default bridge has an address on docker0\'s subnet, which the host '
                             'reaches directly: no -p needed.'),
    'ch.nginx_by_ip.hint2': 'docker inspect shows the container\'s IP; then ask it with curl from the host.',
    'ch.nginx_by_ip.commands': ["IP=$(docker inspect -f '{go_ip}' {server})",
                                'curl -I "http://$IP/"   # HTTP/1.1 200 OK'],
    'ch.network_created.title': 'The user-defined bridge network {network} exists',
    'ch.network_created.todo': 'Create a user-defined bridge network (the default driver) called {network}.',
    'ch.network_created.hint1': 'Each Docker bridge network is a separate bridge on the host, with its own subnet.',
    'ch.network_created.hint2': 'docker network create makes one; docker network ls lists them.',
    'ch.network_created.commands': ['docker network create {network}',
                                    'docker network ls'],
    'ch.network_bridge_200.title': 'A container on the default bridge gets HTTP 200 from {server}',
    'ch.network_bridge_200.todo': 'From a container on the default bridge, ask {server} for its page by its IP with curl.',
    'ch.network_bridge_200.hint1': 'Containers on the same bridge reach each other by IP address.',
    'ch.network_bridge_200.hint2': ('Start a curl container that only sleeps (--entrypoint sleep ... infinity), then run '
                                    'curl inside it with docker exec.'),
    'ch.network_bridge_200.commands': ['docker run -d --name {bridge_client} --entrypoint sleep {curl_image} infinity',
                                       'docker exec {bridge_client} curl -sI -m {timeout} {url}'],
    'ch.network_lonely_timeout.title': 'A container on {network} times out asking {server}',
    'ch.network_lonely_timeout.todo': ('From a container on {network} only, ask {server}\'s IP with curl: it must time '
                                       'out, not be refused.'),
    'ch.network_lonely_timeout.hint1': ('Docker silently drops traffic between different bridges: the request waits '
                                        'until curl gives up.'),
    'ch.network_lonely_timeout.hint2': ('Like the previous step, with --network {network}. curl\'s exit code 28 means '
                                        'a timeout; 7 would mean refused.'),
    'ch.network_lonely_timeout.commands': [
        'docker run -d --name {lonely_client} --network {network} --entrypoint sleep {curl_image} infinity',
        'docker exec {lonely_client} curl -sI -m {timeout} {url}; echo "exit code $?"   # 28: timeout'],
    'ch.networks_differ.title': 'The two containers are on different networks and subnets',
    'ch.networks_differ.todo': ('Look at the interfaces inside a container on each network (ip a): two different '
                                'subnets.'),
    'ch.networks_differ.hint1': 'Each network is its own subnet: compare the addresses inside each container.',
    'ch.networks_differ.hint2': 'docker exec CONTAINER ip a, once per network; docker network inspect shows each subnet.',
    'ch.networks_differ.commands': ['docker exec {bridge_client} ip address',
                                    'docker exec {lonely_client} ip address',
                                    "docker network inspect -f '{go_subnet}' bridge {network}"],
    'ch.usage': ['Usage: lab [--lang es|en] COMMAND',
                 '  lab status [--json]   the steps, each done or to do, and what to do next',
                 '  lab check [STEP]      check the steps (exit 0: all pass, 1: not yet)',
                 '  lab hint [STEP]       one more hint for the step (the last one: the exact commands)',
                 '  lab solve [STEP]      the lab does the step for you (recorded as solved by the lab)',
                 '  lab reset [--yes]     remove what the lab made and, if you say so, the chapter\'s objects',
                 '  lab help "MESSAGE"    raise your hand: the instructor sees MESSAGE and your step in the class report',
                 '  lab help --done       lower your hand',
                 'Steps: {steps}'],
    'ch.err.unknown_step': 'There is no step "{step}". The steps are: {steps}.',
    'ch.err.unknown_command': 'There is no command "{command}": use status, check, hint, solve, reset or help.',
    'ch.err.unknown_option': '"{option}" is not an option of lab here (lab --help shows them).',
    'ch.err.bad_lang': '--lang takes `es` or `en` (got "{value}").',
    'ch.err.no_command': 'Say what to do: lab status, lab check, lab hint, lab solve, lab reset or lab help.',
    'ch.hand.raised': ('Your hand is raised (since {time} UTC): "{message}". The instructor sees it in the class '
                       'report; lab help --done lowers it.'),
    'ch.hand.lowered': 'Your hand is down.',
    'ch.hand.none': 'Your hand was not raised.',
    'ch.hand.status': 'Hand raised since {time} UTC: "{message}" (lab help --done lowers it).',
    'ch.hand.err.empty': 'Say what you need help with, in quotes: lab help "message".',
    'ch.hand.err.too_long': 'The message has {length} characters; at most {limit} fit.',
    'ch.hand.err.character': ('The message has a character the lab does not show ({code}: a control or direction '
                              'character, or a line break): write it on one line.'),
    'ch.hand.err.not_saved': 'Your hand could not be saved in {path} ({error}).',
    'ch.err.usage': 'That is not how lab is used (lab --help shows how).',
    'ch.err.config': ('Cannot read the lab\'s settings in {path} ({error}): prepare this VM with '
                      'ansible-playbook lab.yml -e lab_mode=challenge.'),
    'ch.err.docker_denied': ('Your account cannot use Docker ({error}): it must be in the docker group (after being '
                             'added, log out and in again).'),
    'ch.err.name_taken': ('A stopped container called {name} exists and it is not the lab\'s: start it yourselves '
                          '(docker start {name}) or rename it (docker rename {name} {name}-mine).'),
    'ch.err.no_docker_cli': 'The docker command is not installed on this VM.',
    'ch.err.command_failed': 'This command failed (exit code {rc}): {command}\n{stderr}',
    'ch.err.not_saved': 'Note: your progress could not be saved in {path} ({error}).',
    'ch.label.todo': 'What to do:',
    'ch.label.next': 'Next: {step}, {title}. Stuck? lab hint {step}',
    'ch.label.command': '$ {command}',
    'ch.check.line': '[{status}] {step}: {title}',
    'ch.check.all_pass': 'All {total} steps pass. Well done!',
    'ch.check.summary': '{passed} of {total} steps pass.',
    'ch.check.new': 'First time passing: {steps}.',
    'ch.status.done': 'done',
    'ch.status.earlier': 'done before, not now',
    'ch.status.todo': 'to do',
    'ch.status.line': '{mark} {step:<24} {state}{extra}',
    'ch.status.solved': ', solved by the lab',
    'ch.status.hints': ', {hints} hint(s)',
    'ch.status.all_done': 'Every step is done.',
    'ch.timeline.title': 'What you ran this session (UTC; recorded from the engine as it happened):',
    'ch.timeline.line': '  {time}  {name:<20} {image:<34} {user:<6} {networks:<16} {command}  [{end}]{lab}',
    'ch.timeline.earlier': '  ... and {count} earlier run(s)',
    'ch.timeline.none': 'No container run recorded in this session yet.',
    'ch.timeline.unavailable': 'The record of what you ran cannot be read ({error}): the lab recorder may be stopped.',
    'ch.timeline.image_user': 'image',
    'ch.timeline.not_started': 'not started',
    'ch.timeline.running': 'running',
    'ch.timeline.ended': 'ended',
    'ch.timeline.exit': 'exit code {code}',
    'ch.timeline.lab': '  (made by the lab)',
    'ch.hint.header': 'Hint {n} of {total} for {step} ({title}):',
    'ch.hint.more': 'Another hint: lab hint {step}',
    'ch.hint.last': 'That was the last hint; lab solve {step} does the step for you.',
    'ch.hint.all_pass': 'Every step passes: no hint needed. lab hint STEP gives a step\'s hints anyway.',
    'ch.solve.already': '{step} already passes: nothing to do.',
    'ch.solve.nothing': 'Every step passes: nothing to solve.',
    'ch.solve.running': 'The lab does {step} ({title}) with these commands:',
    'ch.solve.done': '{step} passes now, solved by the lab: {evidence}',
    'ch.solve.failed': '{step} still does not pass: {evidence}',
    'ch.reset.removed': 'Removed what the lab made: {names}.',
    'ch.reset.lab_none': 'The lab had made nothing on this VM.',
    'ch.reset.ask': 'Also remove the chapter\'s objects that you made ({names})? [y/N] ',
    'ch.reset.yes': ['y', 'yes'],
    'ch.reset.kept': 'Kept: {names}.',
    'ch.reset.done': ('Done. Nothing else of yours was touched. A new session starts now: lab check counts only what '
                      'you run from here on.'),
    'ch.start': ('Challenge mode is ready on {host}: no lab container or network exists yet. Log in with your '
                 'account and type the chapter\'s commands; lab status shows the steps, lab check checks them, lab hint '
                 'helps and lab solve does a step for you.'),
    'input.host_list': '{name} must be a YAML list of inventory host names (got {value}).',
    'input.unknown_hosts': '{name} names hosts that are not in the inventory: {hosts}.',
    'input.above_zero': '{name} must be a number above 0 (got {value}).',
    'input.group_name': '{name} must be a Linux group name such as docker (got {value}).',
    'input.at_least': '{name} must be an integer, {low} or more (got {value}).',
    'input.mapping': '{name} must be a YAML dict (got {value}).',
    'input.accounts': '{name} must be a YAML list of account names (got {value}).',
    'input.apt_packages': '{name} must be a YAML list of package names (got {value}).',
    'input.debian_packages': ('{name} must list Debian package names (lower case letters, digits, +, - and ., such as '
                              'nginx-light; got {value}).'),
    'input.repo_url': '{name} must be an http(s) URL such as https://download.docker.com/linux (got {value}).',
    'input.debian_suite': ('{name} must be a Debian suite name in lower case letters, such as bookworm or trixie '
                           '(got {value}).'),
    'input.url': ('{name} must be a URL ({schemes}) with no spaces, quotes or shell characters, such as '
                  'http://deb.debian.org/debian (got {value}).'),
    'input.abs_path': ('{name} must be an absolute path of letters, digits and . _ - + / only, such as {example} '
                       '(got {value}).'),
    'input.dict_with_keys': '{names} must be YAML dicts with one image for each of {keys} (got {value}).',
    'input.hosts_need_tls': ('{name}.hosts listens on {hosts} without "tlsverify": true. Anyone who can reach that '
                             'port is root on the VM (the API starts privileged containers with no login). Use '
                             'unix:// only, or TLS with client certificates (tlsverify, tlscacert, tlscert, tlskey), '
                             'or set {allow}: true on a network that only you can reach.'),
    'input.http_key_url': ("{name} is plain http ({value}), and the repository's signing key is fetched from it: an "
                           'http key can be swapped in transit, and with it every package apt installs from there. '
                           'Use https://, or set {allow}: true for a mirror you trust on a network you control.'),
    'input.student_name': ('{name} must be a Linux account name (lower case letters, digits, _ and -, at most 32; '
                           "got {value}): set the roster's student column or {name}."),
    'input.account_prefix': '{name} must start a Linux account name, such as walkin (got {value}).',
    'input.crypt_hash': '{name} must be a crypt(3) hash such as $6$... (mkpasswd --method=sha-512), or empty.',
    'input.ssh_key': '{name} must be one public key line (ssh-ed25519 AAAA... comment), or empty.',
    'input.required_when': '{name} is required when {count} is above 0.',
    'input.utc_time': '{name} must be a UTC time such as 2026-11-25T10:00:00Z, or empty (got {value}).',
    'input.shell': '{name} must be the absolute path of a shell such as /bin/bash (got {value}).',
    # The shared terminal (lab_students_shared_terminal): the student's status line, and lab-watch's words to the
    # instructor. 'terminal.watched' goes into tmux's settings as it is: letters, spaces and . , ( ) only.
    'terminal.watched': 'The instructor is watching this terminal (read-only)',
    'watch.usage': ['Usage: lab-watch [-i INVENTORY]... [--private-key FILE] [--vault-password-file FILE]',
                    '                 [--ask-vault-pass] [--snapshot] [--lang es|en] STUDENT',
                    'Opens a read-only view of the student\'s shared terminal over SSH (Ctrl-b d leaves it).',
                    'Without a terminal, or with --snapshot, prints the student\'s screen once.'],
    'watch.err.usage': 'That is not how lab-watch is used.',
    'watch.err.bad_name': ('{value} is not a student name (a Linux account name: lower case letters, digits, _ and -, '
                           'at most 32).'),
    'watch.err.unknown_student': 'No student {student} in the inventory ({sources}).',
    'watch.err.two_hosts': 'Student {student} is in the inventory twice ({hosts}): name the one to watch in the roster.',
    'watch.err.bad_address': ('The address ({what}) of {student} in the inventory is not a host name, an IP address or '
                              'an account name: refused, since ssh would take it as given.'),
    'watch.err.inventory': 'The inventory could not be read: {error}',
    'watch.err.no_terminal': ('{student} has no shared terminal open on {host}: the student has not logged in over SSH '
                              'since lab.yml ran, or lab_students_shared_terminal is not true there.'),
    'watch.err.ssh': 'ssh to {host} failed (exit code {rc}).',
    'err.apt_lock': ('The apt/dpkg lock was still held after docker_host_apt_lock_timeout ({timeout} s) by: '
                     '{holders}. Wait for it to finish (unattended-upgrades and cloud-init do, after a boot) and run '
                     'again, or raise docker_host_apt_lock_timeout. apt said: {error}'),
    # Class services (roles/lab_class_services) and the VMs that use them (docker_host, lab_images).
    'input.registry_mirrors': ('{name} must be a YAML list of registry root URLs such as http://192.0.2.10:5000, '
                               'with no path, spaces or shell characters (got {value}).'),
    'input.insecure_registries': ('{name} must be a YAML list of registries as host:port, such as 192.0.2.10:5001, '
                                  'with no spaces or shell characters (got {value}).'),
    'input.apt_proxy': ('{name} must be empty or an http URL of an apt proxy such as http://192.0.2.10:3142, with no '
                        'path, spaces or shell characters (got {value}).'),
    'input.address': ('{name} must be empty (the machine\'s default IPv4 address) or the address or name by which '
                      'the VMs reach it, such as 192.0.2.10 (got {value}).'),
    'input.registry_url': ('{name} must be the root URL of a registry, such as https://registry-1.docker.io, with no '
                           'path (got {value}).'),
    'input.registry_namespace': ('{name} must be a registry namespace in lower case letters, digits and . _ -, '
                                 'such as microlab (got {value}).'),
    'input.apt_backend': ('{name} must be empty or the http(s) URL of a Debian mirror, such as '
                          'http://deb.debian.org/debian/, with no spaces or shell characters (got {value}).'),
    'input.different': '{names} must all differ (got {value}).',
    'input.image_refs': ('{name} must be empty or a YAML dict with one image reference by tag for each of {keys}, '
                         'with no spaces or shell characters (got {value}).'),
    'input.listen_address': ('{name} must be empty (the address the VMs reach this machine by, or its default '
                             'IPv4 address) or one IP address of this machine, such as 192.0.2.10; never 0.0.0.0 or '
                             '::, which is every interface (got {value}).'),
    'input.admin_password': ('{name} must be empty (a password is made and kept on the machine) or a password '
                             'without spaces or colons.'),
    'input.image_digests': ('{name} must be empty or a YAML dict of digests such as sha256:<64 hex digits>, for '
                            'some of the images of {refs} (got {value}).'),
    'input.required_for': '{name} is required when {other} is {value}.',
    'class.err.not_answering': ('{service} did not answer on {url} within {timeout} s. Its log: {log}'),
    'class.no_upstream': ('The upstream registry {upstream} does not answer ({error}): the Docker Hub pull-through '
                          'cache is left stopped (the distribution registry in proxy mode cannot start without its '
                          'upstream) and the VMs get no registry mirror. The class registry and the apt cache run. '
                          'Run this playbook again once the upstream answers.'),
    'class.seeded': 'Class registry {registry}: pushed {pushed}; already there: {present}.',
    'class.check_needs_packages': ('Dry run (--check): this machine does not have all of {packages} yet. A real run '
                                   'installs them, then configures and starts the services; the dry run cannot '
                                   'simulate past the installation.'),
    'class.no_archive': ('No image archive in {dir} on the controller: the class registry holds none of the lab\'s '
                         'images, and the VMs will get them their usual way. Make the archive with `{command}`, then '
                         'run this playbook again.'),
    'input.ssh_targets': ('{name} must be a YAML list of SSH servers of the class\'s VMs, each host, host:port or '
                          '[IPv6]:port, such as 192.0.2.11 or 192.0.2.12:2222; empty takes the inventory group '
                          'lab_vms (got {value}).'),
    'class.terminal_no_hosts': ('The browser terminal has no VM to reach: lab_class_services_browser_terminal_hosts '
                                'is empty and the inventory has no host in the group lab_vms. Give the class roster '
                                '(-i class.csv) or the VMs\' addresses.'),
    'class.terminal_no_keys': ('No VM of the class gave its SSH host key ({missing}): the browser terminal refuses '
                               'every host it has no key for, so it would reach none. Start the VMs and their sshd, '
                               'then run this playbook again.'),
    'class.terminal_missing_keys': ('These VMs did not give their SSH host key and cannot be reached from the browser '
                                    'terminal until this playbook runs again with them up: {missing}.'),
    'class.terminal_url': ('Browser terminal: students open {url} and log in with their own account and password '
                           '(Hostname: their VM\'s address; Port: 22 unless the roster says otherwise). It reaches only '
                           'these SSH servers: {hosts}.'),
    'class.vars_file': ('The class services answer. For the VMs to use them, pass this file to lab.yml: '
                        '`-e @{path}`'),
    'images.class_fallback_archive': ('The class registry {registry} did not give the lab\'s images ({error}): the '
                                      'images come from the controller\'s archive instead.'),
    'images.class_fallback_auto': ('The class registry {registry} did not give the lab\'s images ({error}): the '
                                   'images come from a registry that answers, or an offline build, instead.'),
    'err.apt_lock_gone': 'a process that has exited since',
    'err.apt_failed': '{task} failed: {error}',

    # Class report (terminal and report.html).
    'report.status.pass': 'pass',
    'report.status.fail': 'fail',
    'report.status.unreachable': 'unreachable',
    'report.reason.unreachable': 'the VM could not be reached: {error}',
    'report.reason.verify_error': 'verify stopped: {error}',
    'report.reason.no_outcomes': 'no outcome was recorded (did verify.yml run on this VM?)',
    'report.reason.failing': 'failing: {ids}',
    'report.reason.no_steps': 'no step was judged (did verify.yml run on this VM in challenge mode?)',
    'report.reason.at_step': 'at {step} ({passed} of {total} steps pass)',
    # A VM's data the report refuses (plugins/plugin_utils/vm_data.py), inside report.reason.verify_error.
    'report.invalid.text': 'the VM returned {field} that is not text',
    'report.invalid.mapping': 'the VM returned {field} that is not a mapping',
    'report.invalid.bool': 'the VM returned {field} that is not true or false',
    'report.invalid.int': 'the VM returned {field} that is not a whole number',
    'report.invalid.range': 'the VM returned {field} outside {low} to {high}',
    'report.invalid.time': 'the VM returned {field} that is not a UTC time like 2026-11-25T10:00:00Z',
    'report.invalid.too_many': 'the VM returned {count} entries in {field}, more than the {limit} the lab knows',
    'report.invalid.unknown_id': 'the VM returned {field} with an id the lab does not know: {id}',
    'report.table.header': ['STUDENT', 'HOST', 'STATUS', 'REASON'],
    'report.table.stuck': '[stuck]',
    'report.table.hint_heavy': '[hints]',
    'report.table.counts': 'pass: {pass}, fail: {fail}, unreachable: {unreachable}. Report: {page}',
    'report.not_all_pass': 'Not every VM passed: see {page}',
    'report.html.default_title': 'Lab: how Docker works inside',
    'report.html.title': '{title}: class report',
    'report.html.generated': 'Generated {generated}.',
    'report.html.pass': 'Pass',
    'report.html.fail': 'fail',
    'report.html.unreachable': 'unreachable',
    'report.html.vms': 'VMs in all',
    'report.html.click': 'Click a cell for its evidence.',
    'report.html.challenge': 'Challenge mode: green, steps passing now; yellow, passed before but not now.',
    'report.html.stuck': 'Stuck (no new step for {minutes} min)',
    'report.html.hint_heavy': 'living on hints',
    'report.html.col.student': 'student',
    'report.html.col.host': 'host',
    'report.html.col.status': 'status',
    'report.html.col.steps': 'steps',
    'report.html.col.hints': 'hints',
    'report.html.col.solved': 'solved by the lab',
    'report.html.col.idle': 'idle (min)',
    'report.html.col.attention': 'attention',
    'report.html.flag.stuck': 'stuck',
    'report.html.flag.hint_heavy': 'on hints',
    'report.html.state.pass': 'pass',
    'report.html.state.earlier': 'passed before',
    'report.html.state.todo': 'to do',
    'report.html.state.missing': 'not checked',
    'report.html.first_passed': 'first passed {time} UTC',
    'report.html.hints': '{hints} hint(s)',
    'report.html.solved': 'solved by the lab',
    'input.scoring.mapping': '{name} must be a mapping (a YAML dict) such as {{steps: {{users_root: 10}}, hint: 2, solved_by_lab: 10}}.',
    'input.scoring.key': '{name} has the key {given}, which the scoring table does not know: use {keys}.',
    'input.scoring.step': '{name} has the step {step}, which the lab does not know: use {steps}.',
    'input.scoring.points': '{name} must be a number from 0 to {high} (got {value}).',
    'input.one_of': '{name} must be one of {choices} (got {value}).',
    'input.later_than': '{name} ({value}) must be later than {other} ({start}).',
    'report.session.end_before_start': "lab_session_end ({end}) must be later than the session's start ({start}), nothing was written.",
    'report.session.open': 'The session closes at {end} (in {minutes} min).',
    'report.session.closed': 'The session closed at {end}: steps passed after it earn no points; the grades are frozen.',
    'report.grades.id.username': 'Username',
    'report.grades.id.email': 'Email address',
    'report.grades.id.idnumber': 'ID number',
    'report.grades.no_identifier': 'Not in grades.csv: {student} has no {identifier} in the roster.',
    'report.grades.demo_mode': ('lab_report_grades=true needs challenge mode (-e lab_mode=challenge): '
                                'a demo-mode class has no steps to grade. Nothing was written.'),
    'report.grades.not_graded': 'Not in grades.csv: {student} was not graded (the VM was unreachable or verify stopped on it).',
    'report.html.col.grade': 'grade',
    'report.html.grade_max': 'out of {max}',
    'report.html.late': 'passed after the end: {steps}',
    # The class at a glance: the raised hands, the stuck, the columns by scenario (report_glance.py).
    'report.table.hand': '[hand]',
    'report.table.hands': 'Raised hands, oldest first:',
    'report.table.hand_line': '  {student} ({step}, {minutes} min): {message}',
    'report.group.users': 'Users and UIDs',
    'report.group.nginx': 'nginx and its network namespace',
    'report.group.network': 'Isolated networks',
    'report.short.users_root_is_uid0': 'root is UID 0',
    'report.short.users_uid_matches': 'UID of --user',
    'report.short.users_file_owner': 'file owner',
    'report.short.users_pid_namespace': 'PID namespace',
    'report.short.users_userns_remapped': 'userns-remap',
    'report.short.nginx_listens_in_netns': 'listens in its netns',
    'report.short.nginx_absent_on_host': 'not on the host',
    'report.short.nginx_http_by_ip': 'HTTP by IP',
    'report.short.nginx_own_netns': 'own netns',
    'report.short.network_bridge_http_200': 'bridge: 200',
    'report.short.network_lonely_times_out': 'lonely: timeout',
    'report.short.network_interfaces_differ': 'different subnets',
    'report.short.network_veth_pairs': 'veth pairs',
    'report.short.network_drop_rule': 'DROP rule',
    'report.short.users_root': 'root container',
    'report.short.users_uid': 'chosen UID',
    'report.short.nginx_netns': 'nginx in its netns',
    'report.short.nginx_not_on_host': 'not on the host',
    'report.short.nginx_by_ip': 'reached by IP',
    'report.short.network_created': 'network created',
    'report.short.network_bridge_200': 'bridge: 200',
    'report.short.network_lonely_timeout': 'lonely: timeout',
    'report.short.networks_differ': 'different subnets',
    'report.html.hands': 'Raised hands ({count}), oldest first',
    'report.html.no_hands': 'Nobody has a hand raised.',
    'report.html.stuck_list': 'Stuck ({count}), longest idle first',
    'report.html.no_stuck': 'Nobody is stuck.',
    'report.html.waiting': '{time} UTC, {minutes} min ago',
    'report.html.all_done': 'all done',
    'report.html.groups': 'Students who passed, per part:',
    'report.html.group_passed': '{passed} of {total} through the whole part',
    'report.html.col.step': 'step',
    'report.html.col.message': 'message',
    'report.html.col.waiting': 'waiting since',
    'report.html.flag.hand': 'hand raised',
}
