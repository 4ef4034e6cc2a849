"""The accountability dossier (追责材料包): for a unit (its subtree) and a period, one archive
of what the platform holds about who answered for what and whether it was done, as the API
shows it to the caller, with a manifest of every entry's SHA-256 signed by the platform.

By step: `sections` (holders, duty lists, obligations and their records) and `ledger`
(hazards, exemptions, audit) gather the JSON sections through the same domain reads the
API's queries use, filtered by the caller's `visibility` (predicates built by the API from
authz) and written with the API's identifiers (`ids`); `evidence` reads the attached files
from the blob store; `chain` verifies the tamper-evident trail; `archive` packs a
deterministic ZIP with its manifest and signature (`signing`: the platform key) and
`readme` its README.txt; `service` runs it all (`build`) and keeps the archive and its row
(`keep`, `models`)."""
