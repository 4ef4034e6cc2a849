"""The model and rules of work-safety responsibility, free of GraphQL and HTTP."""
