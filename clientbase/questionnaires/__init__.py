"""Segmentation by need, value and behaviour: questionnaires the reps answer per account,
blended with computed indicators into tiers 1a/1b/2/3, each with its deployment strategy."""
