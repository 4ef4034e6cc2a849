"""Obligations and their statuses, computed from duty lists, posts, holders and records.

Pure computation over facts loaded in bulk (`domain.duties.facts`); nothing here touches
the database, so the same inputs always give the same statuses.

The contract, in the terms users ask about:

- A duty item with a rule applies to a post (or, for `per: HOLDER` rules, to a person over
  all their posts of the list) for each natural period, critical period or deadline; the
  version of the list in force on the period's first day (or the first version, if the list
  was adopted during the period) decides the rule.
- The rule's variant is chosen from the unit's facts; none applies → no obligation.
- A period is split between holders: each holder owes the requirement pro-rated to the days
  they held the post in that period, rounded half up ("held half of the quarter → owes the
  quarterly inspection"; "held ten days of it → owes nothing", status NOT_APPLICABLE). Days
  when nobody held the post form a vacant share that nobody is answerable for; it shows as
  missed until an exemption covers it.
- A share is due by the period's due date (the weekday of a weekly-on-a-day rule, the
  deadline, the end of a critical period plus its grace) or the holder's last day, whichever
  comes first.
- A record counts for a share when its kind is one the rule names, it was recorded by the
  share's holder, it covers a unit in the share's scope, it names this duty or no duty, and
  it was performed within the share's dates: on time up to the due date, late after it; a
  make-up record (performed later, `makeup_for` a day of the share) counts late.
- Coverage rules and critical periods need every target unit covered; counting rules need
  `required` records.
- An approved exemption makes a share that is not done NOT_APPLICABLE.

The package, by step: `inputs` (the facts), `results` (obligations and statuses), `spans`
(indexes and periods shared by the steps), `statuses` (judging by counting, without the
evidence), `judging` (one share against its records) and `calculator` (enumerating the
shares).
"""

from domain.duties.obligations.calculator import Calculator as Calculator
from domain.duties.obligations.calculator import periods_for as periods_for
from domain.duties.obligations.inputs import Charge as Charge
from domain.duties.obligations.inputs import EventFacts as EventFacts
from domain.duties.obligations.inputs import ExemptionFacts as ExemptionFacts
from domain.duties.obligations.inputs import Facts as Facts
from domain.duties.obligations.inputs import ItemVersion as ItemVersion
from domain.duties.obligations.inputs import ListFacts as ListFacts
from domain.duties.obligations.inputs import PostFacts as PostFacts
from domain.duties.obligations.inputs import RecordFacts as RecordFacts
from domain.duties.obligations.inputs import Tenure as Tenure
from domain.duties.obligations.results import Judged as Judged
from domain.duties.obligations.results import NotApplicableReason as NotApplicableReason
from domain.duties.obligations.results import Obligation as Obligation
from domain.duties.obligations.results import Status as Status
from domain.duties.obligations.results import judged as judged
from domain.duties.obligations.results import share_of as share_of
from domain.duties.obligations.spans import ONE_DAY as ONE_DAY
