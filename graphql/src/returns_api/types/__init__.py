"""GraphQL object and input types, one module per group, each with `from_domain()` constructors."""
