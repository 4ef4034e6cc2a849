"""Helpers of the incremental-maintenance tests: scenarios, the world they build, snapshots."""
