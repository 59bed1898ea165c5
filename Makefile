# The two commands of the README, and what they stand on.
#   make lab    set up .venv, then run lab.yml against this machine (the lab VM)
#   make test   the whole test suite (installs and starts Docker if none answers)
#   make unit, make lint, ...   one step of that suite (scripts/test.sh with STEPS=the step)
PYTHON ?= python3
VENV := .venv
COLLECTION_LINK := .ansible/collections/ansible_collections/microlab/docker_internals
STEP_TARGETS := unit paperwork system reliability docs lint sanity molecule

.PHONY: lab test venv clean $(STEP_TARGETS)

lab: venv
	$(VENV)/bin/ansible-playbook lab.yml

test: venv
	scripts/test.sh

# Steps of scripts/test.sh by name; several at once: STEPS="unit lint" scripts/test.sh.
$(STEP_TARGETS): venv
	STEPS=$@ scripts/test.sh

venv: $(VENV)/.installed $(COLLECTION_LINK)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The checkout is the collection: link it where ansible.cfg, ansible-lint and
# Molecule look for microlab.docker_internals.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

clean:
	rm -rf $(VENV) .ansible tests/output
