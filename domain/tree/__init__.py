"""The organisation tree: district → park → department → enterprise."""
