"""Searching the register: one search box for staff, the public lookup, exports."""

# Database objects the search migration makes that the models do not describe (virtual tables, their shadow
# tables, expression indexes): schema comparisons leave them out.
NOT_IN_MODELS = ("institution_fts", "institution_name_fts", "ix_institutions_search_trgm", "ix_institutions_name_trgm",
                 "ix_institutions_name_chars")


def described_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name hook."""
    return not (name and name.startswith(NOT_IN_MODELS))
