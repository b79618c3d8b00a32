#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu base).
# It installs Python 3.11 (the course data is TOML, read with tomllib), a CPU-only torch
# (the CUDA build is gigabytes the grader never uses) and this package with its checks.
set -euo pipefail
apt-get update
apt-get install -y python3.11 python3.11-venv
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install --index-url https://download.pytorch.org/whl/cpu torch
/autograder/venv/bin/pip install /autograder/source/package
# Each kata's code runs as a user of its own (sandbox level uid), which must be able to import
# from the venv: other users may pass through /autograder (not list it) and read the venv.
chmod o+x /autograder
chmod -R o+rX /autograder/venv
