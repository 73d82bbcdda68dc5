"""GraphQL gateway of the returns service (Strawberry schema served by Mangum on Lambda).

Named `returns_api`, not `graphql`: a package called `graphql` would shadow graphql-core.
"""
