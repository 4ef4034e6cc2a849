"""Duty lists (职责清单), their frequency rules, the obligations they create and the records
of performance (履职记录) that fulfil them."""
