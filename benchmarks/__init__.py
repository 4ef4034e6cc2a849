"""Scripts that print figures. Run them with `python -m benchmarks.<name>`."""
