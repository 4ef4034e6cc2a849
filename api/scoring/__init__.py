"""Compliance scores in the API: the score queries and types, explanations, scoring
mutations, and compliance reports as files."""
