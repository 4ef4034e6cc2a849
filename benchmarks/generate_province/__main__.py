"""`python -m benchmarks.generate_province`: run it (see the package's description)."""

from benchmarks.generate_province.main import main

main()
