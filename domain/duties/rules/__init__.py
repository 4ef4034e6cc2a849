"""Frequency rules: one model for every shape the source documents use.

A rule says which kinds of record fulfil a duty and when. Its timing is one of:

- periodic: every DAY/WEEK/MONTH/QUARTER/HALF_YEAR/YEAR (every N years from an anchor
  year), optionally due by a weekday ("每周四"), "at least N times" or "covering a set of
  units" per period;
- one-off: done by a deadline ("2023年12月底前完成");
- event-triggered: during (or within N days after) a declared critical period of the unit
  (重要节点, 复工复产, 险情, 事故, 灾害天气, 重大事故隐患).

Timings may be conditional on the unit (variants with `when`, first match wins, a default
last), the whole rule may apply only to some units (`when`) or only between dates
(`from`/`to`, a campaign), and it may be counted per post or per holder across all their
posts of the list. Each rule (or variant) says whose number its frequency is (`basis`):
the document's (DOCUMENT, the default) or the platform's choice where the document gives
none (DEFAULT, which a district's admins may replace for their district). Rules are
stored as the canonical mapping `Rule.to_dict()` returns, and
`parse_rule` refuses a malformed one with a typed error naming the field.

The package: `model` (the rule and its parts) and `parsing` (`parse_rule`).
"""

from domain.duties.rules.model import BASIS_LABELS as BASIS_LABELS
from domain.duties.rules.model import COVERAGE_LABELS as COVERAGE_LABELS
from domain.duties.rules.model import EVENT_KIND_LABELS as EVENT_KIND_LABELS
from domain.duties.rules.model import MAX_WITHIN_DAYS as MAX_WITHIN_DAYS
from domain.duties.rules.model import RECORD_KIND_LABELS as RECORD_KIND_LABELS
from domain.duties.rules.model import WEEKDAY_LABELS as WEEKDAY_LABELS
from domain.duties.rules.model import Condition as Condition
from domain.duties.rules.model import Coverage as Coverage
from domain.duties.rules.model import EventKind as EventKind
from domain.duties.rules.model import FrequencyBasis as FrequencyBasis
from domain.duties.rules.model import Per as Per
from domain.duties.rules.model import RecordKind as RecordKind
from domain.duties.rules.model import Rule as Rule
from domain.duties.rules.model import Scope as Scope
from domain.duties.rules.model import Shape as Shape
from domain.duties.rules.model import Timing as Timing
from domain.duties.rules.model import UnitFacts as UnitFacts
from domain.duties.rules.model import Variant as Variant
from domain.duties.rules.parsing import parse_rule as parse_rule
