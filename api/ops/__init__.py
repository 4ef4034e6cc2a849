"""Operations: logs, metrics and traces (see README, "Operations")."""
