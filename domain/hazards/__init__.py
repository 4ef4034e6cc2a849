"""The hidden-danger ledger (隐患台账): findings, the 五落实 of major hazards, the 双报告,
and the closed loop from report to 销号."""
