"""GraphQL API: schema, resolvers and the Starlette app. Thin: rules live in `domain`."""
