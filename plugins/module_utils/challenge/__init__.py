# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Challenge mode, by concern: the steps and the `lab` command's settings (steps.py), the live observation
(readers.py, probe.py, observe.py), the step judges' shared verdicts (verdicts.py; each scenario's unit judges
its own steps), judging (judge.py), `lab solve` (solve.py), `lab reset` (reset.py) and the progress history
(progress.py). lab_steps.py gathers their public names for the `lab` command and the modules."""
