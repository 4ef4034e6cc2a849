"""Authorization: Casbin model, policy storage, enforcement and SQL filters.

Arrives with the authorization issue; until then every caller is anonymous and the API is
open, which the README states.
"""
