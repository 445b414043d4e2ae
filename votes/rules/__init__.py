"""The results engine: pure Python (NumPy, no Django) rules computing participatory-budgeting
outcomes from a `Profile` of projects, budget and ballots."""
