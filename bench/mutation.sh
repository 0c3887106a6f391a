#!/usr/bin/env bash
# Mutation testing of the privacy and access code (issue 29), run by hand, never in CI:
#
#   bash bench/mutation.sh [MAX_CHILDREN]      # default 2; about an hour on a 2-core machine
#
# mutmut 3 changes assetmap/privacy.py and assetmap/service/policy.py one small step at a time and runs
# the tests that call the changed function; a change no test notices (a survivor) is a missing test.
# It runs in a copy of the working tree (ASSETMAP_MUTATION_DIR, default a new folder in /tmp), so the
# checkout is never touched; run it again with the same ASSETMAP_MUTATION_DIR to resume. At the end it
# prints the counts and every survivor; `cd DIR && mutmut show NAME` shows one as a diff.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
work=${ASSETMAP_MUTATION_DIR:-$(mktemp -d /tmp/assetmap-mutation.XXXXXX)}
children=${1:-2}

"$python" -m pip install --quiet "mutmut>=3.8,<4"   # a tool, not a dependency: not in pyproject.toml
if [ ! -f "$work/pyproject.toml" ]; then
  (cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work")
  # The tests read ../shared/data beside the folder mutmut runs them from (mutants/).
  [ -d "$repo/../shared" ] && ln -sfn "$(cd "$repo/../shared" && pwd)" "$work/shared"
  cat >> "$work/pyproject.toml" <<'TOML'

[tool.mutmut]
source_paths = ["assetmap"]
only_mutate = ["assetmap/privacy.py", "assetmap/service/policy.py"]
also_copy = ["data", "app.py", "pages", ".streamlit", "docs", "static"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = ["tests/test_privacy.py", "tests/test_access.py",
    "tests/test_group_masking.py", "tests/test_moderation_integrity.py", "tests/test_mutation_survivors.py",
    "tests/test_identity.py", "tests/test_ownership.py", "tests/test_oidc.py", "tests/test_privacy_inference.py",
    "tests/test_trust.py", "tests/test_photos.py", "tests/test_keeping.py", "tests/test_moderation.py",
    "tests/test_app_access.py"]
TOML
fi
cd "$work"
# mutants/ first: the tests import the mutated package; bench/mutation: the CLI's subprocesses read
# mutmut's settings from here (sitecustomize.py).
export PYTHONPATH="$work/mutants:$repo/bench/mutation" ASSETMAP_MUTATION_ROOT="$work"
"$python" -m mutmut run --max-children "$children" || true
"$python" "$repo/bench/mutation_score.py" "$work"
