"""`python -m benchmarks.scores`: run the benchmark (see the package's description)."""

from benchmarks.scores.main import main

main()
