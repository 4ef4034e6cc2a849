"""The access matrix: cases, their world (conftest), checks and the test."""
