"""Reading scores: a unit's score, series, ranks, the district view, holders' scores
(`scores`), and the explanation of a score down to the obligations and hazards that lowered
it (`explanations`)."""

from domain.scoring.queries.explanations import MAX_EXPLAINED_POSTS as MAX_EXPLAINED_POSTS
from domain.scoring.queries.explanations import ClassBreakdown as ClassBreakdown
from domain.scoring.queries.explanations import Contribution as Contribution
from domain.scoring.queries.explanations import Explanation as Explanation
from domain.scoring.queries.explanations import HazardLoss as HazardLoss
from domain.scoring.queries.explanations import ObligationLoss as ObligationLoss
from domain.scoring.queries.explanations import explain as explain
from domain.scoring.queries.explanations import obligation_losses as obligation_losses
from domain.scoring.queries.scores import SCORE_COLUMNS as SCORE_COLUMNS
from domain.scoring.queries.scores import PersonScore as PersonScore
from domain.scoring.queries.scores import check_period as check_period
from domain.scoring.queries.scores import dashboard as dashboard
from domain.scoring.queries.scores import person_score as person_score
from domain.scoring.queries.scores import rank_of as rank_of
from domain.scoring.queries.scores import ranking_statement as ranking_statement
from domain.scoring.queries.scores import scheme_version as scheme_version
from domain.scoring.queries.scores import score_rows as score_rows
from domain.scoring.queries.scores import series as series
from domain.scoring.queries.scores import sums_of as sums_of
from domain.scoring.queries.scores import sync_statement as sync_statement
