# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""class_services.yml with --check on the suite's VM, which has none of the role's packages.

The dry run says, in the instructor's language, that it stops after the installation, and
changes nothing: what the VM holds afterwards is read with dpkg and ls inside it, not from
the play's output.
"""

from __future__ import annotations

import os

import pytest

import vm_lab

PACKAGES = ('docker-registry', 'apt-cacher-ng', 'skopeo')
# What a real run would make first: the packages' and the role's own files.
MADE_BY_A_REAL_RUN = ('/etc/docker-registry', '/etc/apt-cacher-ng', '/etc/microlab-class', '/var/lib/microlab-class',
                      '/usr/local/sbin/microlab-class-services')


@pytest.mark.parametrize('language, words', [
    ('en', 'Dry run (--check): this machine does not have all of docker-registry, apt-cacher-ng, skopeo yet.'),
    ('es', 'Ensayo (--check): esta máquina todavía no tiene todos estos paquetes: docker-registry, apt-cacher-ng, '
           'skopeo.'),
])
def test_check_on_a_machine_without_the_packages_stops_after_the_installation_and_changes_nothing(
        lab, language, words):
    vars_file = os.path.join(lab.work, 'class-services-%s.yml' % language)
    result = lab.play('playbooks/class_services.yml', '--check', lab_class_services_hosts=vm_lab.VM,
                      lab_class_services_vars_file=vars_file, lab_language=language)
    assert result.rc == 0, result
    assert words in result.flat, result
    assert result.vm['changed'] == 1 and result.vm['failed'] == 0, result  # the installation a real run would make

    held = lab.sh('dpkg-query -W -f "${Package} ${Status}\\n" %s 2>&1; ls -d %s 2>&1'
                  % (' '.join(PACKAGES), ' '.join(MADE_BY_A_REAL_RUN)), check=False).stdout
    assert 'install ok installed' not in held, held
    assert held.count('No such file or directory') == len(MADE_BY_A_REAL_RUN), held
    assert not os.path.exists(vars_file)
