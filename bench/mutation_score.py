"""The score of a mutmut run (bench/mutation.sh): counts per outcome and every survivor, per file.

    python bench/mutation_score.py DIR      # DIR: the folder mutmut ran in

The score is killed / (killed + survived + no tests); timeouts count as killed (the mutant made the
code hang, which a test noticed). Equivalent mutants (they cannot change what the code does) are
judged by reading them; docs/privacy.md lists the ones found and why.
"""

from __future__ import annotations

import collections
import subprocess
import sys

KILLED = {"killed", "timeout"}
NOT_KILLED = {"survived", "no tests"}


def main(folder: str) -> int:
    done = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=folder,
                          capture_output=True, text=True, check=True)
    outcomes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    survivors = []
    for line in done.stdout.splitlines():
        name, _, outcome = line.strip().rpartition(": ")
        if not name:
            continue
        module = name.split(".x_")[0].split(".xǁ")[0]
        outcomes[module][outcome] += 1
        if outcome in NOT_KILLED:
            survivors.append((name, outcome))
    for module, counts in sorted(outcomes.items()):
        killed = sum(counts[o] for o in KILLED)
        counted = killed + sum(counts[o] for o in NOT_KILLED)
        score = 100.0 * killed / counted if counted else 0.0
        print(f"{module}: {score:.1f} % killed ({killed} of {counted}); " +
              ", ".join(f"{o} {n}" for o, n in sorted(counts.items())))
    print(f"{len(survivors)} not killed:")
    for name, outcome in survivors:
        print(f"  {name} ({outcome})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
