"""GraphiQL, served whole by the application: our page (`graphiql.html`) and the vendored
GraphiQL and React files (`assets/`, see assets/SOURCES.md), so it works without internet."""
