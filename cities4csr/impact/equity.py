"""The equity lens, pure: per-area figures, Lorenz curve and Gini (filled by the equity work)."""
