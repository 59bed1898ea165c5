# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults on a real Docker-in-Docker VM: the engine stopped, killed or restarted, runs interrupted,
the lab broken by hand, the apt lock held, no registry, and a user's own resources alongside.

The tests run in this file's order on one VM (see conftest.py); each starts from a converged lab and
leaves one. Playbooks are black boxes: the tests run them and look at the VM with docker, iptables and
curl, independently of the collection's own modules.
"""

from __future__ import annotations

import os
import signal

import pytest

from vm_lab import OUTCOMES, VM

# A user's own resources on the VM, made before the first lab.yml. The container is made from a lab
# image and even carries microlab.lab=docker_internals (as a container inherits from a lab image):
# only microlab.lab.scenario makes something the lab's.
USER_RESOURCES = {
    'container': 'microlab-rel-mine',
    'network': 'microlab-rel-mynet',
    'volume': 'microlab-rel-myvol',
    'image': 'microlab-rel/mine:1',
}


def make_user_resources(lab):
    lab.docker('network', 'create', USER_RESOURCES['network'])
    lab.docker('volume', 'create', USER_RESOURCES['volume'])
    lab.docker('tag', 'microlab.local/lab-shell:bookworm', USER_RESOURCES['image'])
    lab.docker('run', '-d', '--name', USER_RESOURCES['container'], '--label', 'microlab.lab=docker_internals',
               '--network', USER_RESOURCES['network'], '-v', USER_RESOURCES['volume'] + ':/data',
               '--restart', 'always', USER_RESOURCES['image'], 'sleep', 'infinity')
    return user_resource_ids(lab)


def user_resource_ids(lab):
    """The ids of the user's resources ('' when one is gone) and whether the container runs."""
    ids = {}
    for kind, name in USER_RESOURCES.items():
        fmt = '{{.Name}}' if kind == 'volume' else '{{.Id}}'
        ids[kind] = lab.docker(kind if kind != 'image' else 'image', 'inspect', '--format', fmt, name, check=False)
    ids['container_running'] = lab.docker('inspect', '--format', '{{.State.Running}}', USER_RESOURCES['container'],
                                          check=False)
    return ids


@pytest.fixture(scope='module')
def user_resources(lab):
    """Made once; test_zz_user_resources_untouched compares them at the end, after lab, verify and reset."""
    existing = user_resource_ids(lab)
    if existing['container']:
        return existing  # a kept VM (MICROLAB_REL_KEEP_VM=1) already has them
    return make_user_resources(lab)


def container_ids(lab):
    """name -> (id, started at) of the lab's containers."""
    out = lab.docker('ps', '-a', '--filter', 'label=microlab.lab.scenario', '--format', '{{.Names}}')
    result = {}
    for name in out.split():
        result[name] = lab.docker('inspect', '--format', '{{.Id}} {{.State.StartedAt}}', name)
    return result


def isolation_rules(lab):
    """Docker's DOCKER-ISOLATION rules in the VM's iptables (the lab's network isolation)."""
    return [line for line in lab.sh('iptables -S').stdout.splitlines() if 'DOCKER-ISOLATION' in line and '-A' in line]


def curl_from(lab, client):
    """Ground truth, not the collection's modules: curl's exit code from client to web_server."""
    ip = lab.docker('inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'web_server')
    proc = lab.sh('docker exec %s curl -s -o /dev/null -m 2 http://%s/' % (client, ip), check=False)
    return proc.returncode


def converge_again(lab):
    """The next lab.yml after a fault: it must succeed and leave the lab as a fresh converge does."""
    result = lab.play('lab.yml')
    assert result.rc == 0 and result.vm['failed'] == 0, result
    lab.assert_converged()
    assert curl_from(lab, 'curl_bridge') == 0
    assert curl_from(lab, 'curl_lonely') == 28, 'curl_lonely reached web_server: isolation is gone'
    return result


def test_engine_stopped_and_rules_gone_before_a_run(converged, user_resources):
    """As after a reboot without systemd: no engine, and an empty firewall (no DOCKER-ISOLATION chains)."""
    converged.sh('/usr/local/sbin/microlab-dockerd stop && iptables -F && iptables -X && iptables -t nat -F'
                 ' && iptables -t nat -X')
    assert not converged.engine_answers() and not isolation_rules(converged)
    result = converge_again(converged)
    assert 'Start dockerd under the supervisor' in result.changed_tasks(), result
    assert isolation_rules(converged), 'no DOCKER-ISOLATION rules after the engine came back'


# The task of lab.yml's scenarios play that makes every scenario of the run at once (one lab_make call: one
# listing, then the directories, the missing networks, then the containers, started at once).
MAKING = r"^TASK \[microlab\.docker_internals\.lab_scenario : Make the scenarios' directories, networks, containers"
OBSERVING = "TASK [microlab.docker_internals.lab_scenario : Observe, judge and explain the scenarios]"


def test_run_interrupted_by_sigint_mid_scenario(converged):
    """Ctrl-C as the scenarios' containers are being started, on a VM just reset (so the run was creating)."""
    reset = converged.play('playbooks/reset.yml')
    assert reset.rc == 0 and converged.state()['container_names'] == [], reset
    proc = converged.start('lab.yml')
    cut = converged.run_until(proc, MAKING, lambda: os.killpg(proc.pid, signal.SIGINT))
    assert cut.rc != 0, cut
    assert OBSERVING not in cut.output, 'the run went on after it was interrupted: %r' % cut
    converge_again(converged)


def test_run_killed_mid_scenario(converged):
    """SIGKILL (a closed laptop, a dropped SSH session) as the network scenario's network is being created."""
    converged.sh('docker rm -f curl_bridge curl_lonely >/dev/null && docker network rm lonely_curl >/dev/null')
    proc = converged.start('lab.yml')
    cut = converged.run_until(proc, MAKING, lambda: os.killpg(proc.pid, signal.SIGKILL))
    assert cut.rc == -signal.SIGKILL, cut
    converge_again(converged)


def test_engine_killed_mid_run(converged):
    """dockerd, containerd and the supervisor die with SIGKILL while lab.yml starts the scenarios' containers."""
    proc = converged.start('lab.yml')
    cut = converged.run_until(proc, MAKING, converged.kill_engine)
    assert cut.rc != 0, cut
    assert not converged.engine_answers()
    result = converge_again(converged)
    assert 'Start dockerd under the supervisor' in result.changed_tasks(), result


def engine_security_options(lab):
    return lab.sh('docker info --format "{{json .SecurityOptions}}"').stdout


def test_userns_remap_switch_and_back_on_a_host_that_reaps_nothing(converged):
    """The README's `lab.yml -e lab_users_userns_remap=true` twice, then a plain lab.yml, on a VM whose PID 1 is
    sleep: each switch restarts dockerd under the supervisor, whose stopped shell stays a zombie there."""
    assert converged.sh('cat /proc/1/comm').stdout.strip() == 'sleep', 'this VM has an init that reaps'
    remapped = converged.play('lab.yml', lab_users_userns_remap=True)
    assert remapped.rc == 0 and remapped.vm['failed'] == 0, remapped
    assert 'Restart dockerd under the supervisor' in remapped.changed_tasks(), remapped
    assert 'name=userns' in engine_security_options(converged)
    pid = converged.docker('inspect', '--format', '{{.State.Pid}}', 'lab_user_remapped')
    uid_map = converged.sh('cat /proc/%s/uid_map' % pid).stdout.split()
    assert uid_map[0] == '0' and int(uid_map[1]) > 0, 'container root is host root: %s' % uid_map
    assert converged.sh('stat -c %%u /proc/%s' % pid).stdout.strip() == uid_map[1]
    # The engine play keeps the variant's userns-remap: a re-run restarts nothing (it used to restart Docker twice).
    again = converged.play('lab.yml', lab_users_userns_remap=True)
    assert again.rc == 0 and again.vm['changed'] == 0, again

    back = converge_again(converged)
    assert 'Restart dockerd under the supervisor' in back.changed_tasks(), back
    assert 'name=userns' not in engine_security_options(converged)


# Each damage, what verify.yml must then report failing (and only that), and the containers the
# repair may touch: every other container keeps its id and its start time.
DAMAGES = {
    'containers-removed-stopped-and-nginx-killed': (
        'docker rm -f lab_user_1234 && docker stop lab_user_root && docker exec web_server kill -TERM 1',
        # nginx_absent_on_host fails too: "nothing on :80 on the host" proves nothing while nginx is down.
        # users_file_owner still passes: the file lab_user_1234 wrote stays on the host.
        ['users_root_is_uid0', 'users_uid_matches', 'users_pid_namespace', 'nginx_listens_in_netns',
         'nginx_absent_on_host', 'nginx_http_by_ip', 'nginx_own_netns', 'network_bridge_http_200',
         'network_lonely_times_out', 'network_drop_rule'],
        ['lab_user_1234', 'lab_user_root', 'web_server']),
    'lonely-network-deleted': (
        'docker network disconnect -f lonely_curl curl_lonely && docker network rm lonely_curl',
        ['network_lonely_times_out', 'network_interfaces_differ', 'network_veth_pairs', 'network_drop_rule'],
        ['curl_lonely']),
    # The scratch scenario's links are made with ip, not by the engine: a veth left down is named, and the next
    # run brings the links back without touching a container.
    'scratch-veth-down': (
        'ip link set mlscr-peer down',
        ['scratch_network'],
        []),
}


@pytest.mark.parametrize('damage', [
    'containers-removed-stopped-and-nginx-killed',
    'lonely-network-deleted',
    'scratch-veth-down',
])
def test_damage_reported_then_repaired(converged, damage):
    script, failing, touched = DAMAGES[damage]
    before = container_ids(converged)
    converged.sh(script)
    try:
        report = converged.play('playbooks/verify.yml')
        assert report.rc == 0, report
        outcomes, host = converged.outcomes()
        assert sorted(outcomes) == sorted(OUTCOMES), outcomes
        assert sorted(k for k, v in outcomes.items() if v != 'pass') == sorted(failing), host
        assert host['status'] == 'fail' and all(k in host['reason'] for k in failing), host
        converge_again(converged)
        after = container_ids(converged)
        untouched = dict((k, v) for k, v in before.items() if k not in touched)
        assert dict((k, after.get(k)) for k in untouched) == untouched, 'the repair touched more than the damage'
    except AssertionError:
        # Leave a VM the next test can converge: without the damaged containers, lab.yml makes them anew.
        converged.sh('docker rm -f %s >/dev/null' % ' '.join(touched), check=False)
        raise


HOLDER = ('import fcntl, os, sys, time\n'
          'f = open("/var/lib/dpkg/lock-frontend", "w")\n'
          'fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n'
          'print(os.getpid(), flush=True)\n'
          'time.sleep(int(sys.argv[1]))\n')


def hold_apt_lock(lab, seconds):
    """A process holding dpkg's frontend lock for seconds, as unattended-upgrades would; returns its pid."""
    lab.sh("rm -f /run/microlab-rel-holder; nohup python3 -c '%s' %d >/run/microlab-rel-holder 2>&1 </dev/null &"
           % (HOLDER, seconds))
    pid = lab.sh('for i in $(seq 50); do [ -s /run/microlab-rel-holder ] && break; sleep 0.1; done;'
                 ' cat /run/microlab-rel-holder').stdout.strip()
    assert pid.isdigit(), 'the lock holder did not start: %s' % pid
    return pid


def test_apt_lock_held_too_long_fails_naming_the_holder(converged):
    converged.sh('dpkg -r psmisc >/dev/null 2>&1; true')
    holder = hold_apt_lock(converged, 120)
    try:
        result = converged.play('playbooks/engine.yml', '--tags', 'engine', docker_host_apt_lock_timeout=3,
                                docker_host_distro_packages=['docker.io', 'iptables', 'psmisc'])
    finally:
        converged.sh('kill %s' % holder, check=False)
    assert result.rc != 0 and result.vm['changed'] == 0, result
    flat = result.flat
    assert 'docker_host_apt_lock_timeout' in flat and '3 s' in flat, result
    assert '/var/lib/dpkg/lock-frontend' in flat, result
    assert 'pid %s (python3' % holder in flat, result


def test_apt_lock_held_briefly_waits_then_proceeds(converged):
    converged.sh('dpkg -r psmisc >/dev/null 2>&1; true')
    holder = hold_apt_lock(converged, 6)
    result = converged.play('playbooks/engine.yml', '--tags', 'engine', docker_host_apt_lock_timeout=120,
                            docker_host_distro_packages=['docker.io', 'iptables', 'psmisc'])
    assert result.rc == 0 and result.vm['failed'] == 0, result
    assert converged.sh('dpkg -s psmisc | grep -q "install ok installed"', check=False).returncode == 0
    converged.sh('dpkg -r psmisc >/dev/null 2>&1; true')


def test_no_registry_answers_on_the_vm(converged):
    refs = dict((role, 'registry.invalid/microlab-rel/%s:1' % role) for role in ('shell', 'nginx', 'curl', 'nettools'))
    result = converged.play('playbooks/engine.yml', '--tags', 'images', lab_images_source='registry',
                            lab_images_registry_refs=refs)
    assert result.rc != 0 and result.vm['changed'] == 0, result
    for ref in refs.values():
        assert ref in result.flat, result
    assert 'lab_images_source=archive' in result.flat and 'lab_images_source=build' in result.flat, result
    assert converged.docker('image', 'ls', '--quiet', 'registry.invalid/*') == '', 'half-pulled images left'


def test_zz_user_resources_untouched_and_last_run_changes_nothing(converged, user_resources):
    """After every fault above, and lab, verify and reset runs: the user's resources are the same ones."""
    assert all(user_resources.values()), user_resources
    assert user_resource_ids(converged) == user_resources
    result = converged.play('lab.yml')
    assert result.rc == 0 and result.vm['changed'] == 0, result
    assert VM in result.recap
