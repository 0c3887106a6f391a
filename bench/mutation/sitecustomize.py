"""Loaded by every Python process under ``bench/mutation.sh`` (it is on PYTHONPATH).

Some tests start the CLI as a subprocess (``python -m assetmap.cli``). Under mutmut that process
imports the mutated module, whose trampoline imports mutmut, which reads its settings from
``pyproject.toml`` in the working directory at import time; a test's working directory is a
temporary folder. This loads the settings from the copy mutmut runs in, so the CLI tests kill
mutants too.
"""

import os

if os.environ.get("MUTANT_UNDER_TEST") and os.environ.get("ASSETMAP_MUTATION_ROOT"):
    import mutmut.configuration

    _here = os.getcwd()
    os.chdir(os.environ["ASSETMAP_MUTATION_ROOT"])
    try:
        mutmut.configuration.config()
    finally:
        os.chdir(_here)
