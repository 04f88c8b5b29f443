"""Language allocation for a budget from the fitted laws, and its comparison with measurement."""
