"""District frequency defaults: a district's own frequency for duties whose frequency is the
platform's choice (basis DEFAULT). `models` (the append-only table), `service` (set, correct,
withdraw), `facts` (the obligation facts use them: an item's span splits at a default's
date for the lists of that district), `reads` (the list the API offers)."""
