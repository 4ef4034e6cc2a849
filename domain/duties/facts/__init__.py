"""Loads the facts obligations are computed from, in a fixed number of queries whatever the
number of posts, holders or records (a park's year: seven statements).

The package: `lists` (lists and critical periods, cached), `windows` (which days of
records are needed), `records` (records and exemptions) and `loading` (`load_facts`).
"""

from domain.duties.facts.lists import FACTS_FINGERPRINT as FACTS_FINGERPRINT
from domain.duties.facts.lists import load_lists as load_lists
from domain.duties.facts.loading import Requested as Requested
from domain.duties.facts.loading import load_facts as load_facts
from domain.duties.facts.records import MAX_LISTED_PERSONS as MAX_LISTED_PERSONS
from domain.duties.facts.records import records_between as records_between
from domain.duties.facts.records import with_added_records as with_added_records
from domain.duties.facts.records import with_fresh_records as with_fresh_records
