"""Tests of api/access: agencies, contracts, service clients, API keys, identities, the viewer
and the access matrix."""
