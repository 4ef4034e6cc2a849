"""Obligations and their statuses, computed from duty lists, posts, holders and records.

Pure computation over facts loaded in bulk (`domain.duties.facts`); nothing here touches
the database, so the same inputs always give the same statuses.

The contract, in the terms users ask about:

- A duty item with a rule applies to a post (or, for `per: HOLDER` rules, to a person over
  all their posts of the list) for each natural period, critical period or deadline; the
  version of the list in force on the period's first day (or the first version, if the list
  was adopted during the period) decides the rule.
- The rule's variant is chosen from the unit's facts; none applies → no obligation.
- A post's period is the post's: it is judged once, for the post, on the records of
  whoever held the post on the day they acted (and of a delegate of the duty, for the
  days of the holder's delegation), and falls due on the rule's date (the weekday of a
  weekly-on-a-day rule, the deadline, the end of a critical period plus its grace), never
  on a departing holder's last day. The requirement is pro-rated only to the days the duty
  applied to the post (the list adopted, the post created or archived mid-period).
- Who answers for it: the period is given as one share per holder's stretch (and per
  vacant stretch), each with the post's status, so "what did X owe and do in March" lists
  X's shares. The share of the holder on the due date (else the last holder before it)
  carries the period for the post and its units; the others are `answering`, counted in
  their holder's own score only. Per-holder duties (`per: HOLDER`, the three responsible
  persons) stay per person, over all their posts.
- A record counts for a post's share when its kind is one the rule names, its maker held
  the post (or the delegation) on the day they acted, it covers a unit in the scope, it
  names this duty or no duty, and it was performed within the period's active days: on
  time up to the due date, late after it; a make-up (performed later, `makeup_for` a day
  of the period) counts late when its maker held the post on the day they made it up.
- Coverage rules and critical periods need every target unit covered; counting rules need
  `required` records.
- An approved exemption of the post for the period (or of the holder, for a per-holder
  duty) makes an obligation that is not done NOT_APPLICABLE.

The package, by step: `inputs` (the facts), `results` (obligations and statuses), `spans`
(indexes and periods shared by the steps), `statuses` (judging by counting, without the
evidence), `judging` (one share against its records), `calculator` (enumerating a post's
periods and their shares) and `holders` (per-holder duties).
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
