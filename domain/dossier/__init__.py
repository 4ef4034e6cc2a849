"""The accountability dossier (追责材料包): for a unit (its subtree) and a period, one archive
of what the platform holds about who answered for what and whether it was done, as the API
shows it to the caller, with a manifest of every entry's SHA-256 signed by the platform.

By step: `sections` and `hazards` gather the JSON sections through the same domain reads the
API's queries use, filtered by the caller's visibility predicates (`Visibility`, built by
the API from authz); `evidence` reads the attached files from the blob store; `archive`
packs a deterministic ZIP with its manifest and signature; `service` runs it all and keeps
the archive and its row; `signing` holds the platform key."""
