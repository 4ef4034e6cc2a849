"""GraphQL API: schema, resolvers and the Starlette app. Thin: rules live in `domain`."""

# The domain's vocabularies become GraphQL enums with descriptions; registering them
# before any type module is imported keeps one definition per enum.
from api import enums as _enums  # noqa: F401
