"""Compliance scores: tallies of records against duties, rolled up the unit tree, and the
reports built on them."""
