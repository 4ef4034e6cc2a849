"""Policy administration: role templates, role grants, 党政同责 declarations, the effective
role links, the audit log, explainAccess and the policy export."""
