"""Accountability dossiers (追责材料包) through the API: the request, the platform's public
signing key, and the signed, expiring download."""
