"""The matching engine: plain numpy/scipy, no Django. Fed by ``cities4csr.matching.adapter``.

- ``scoring``: components, weights, blocked top-k in both directions, explanations' facts;
- ``pooling``: the fewest companies that together cover a need (HiGHS MILP, greedy fallback), and
  the city-wide allocation of offers to needs (HiGHS LP);
- ``synthetic``: a deterministic metro-scale city for benchmarks.
"""

from .scoring import COMPONENTS, KINDS, CompanySet, Geography, Matcher, NeedSet, TopK, Weights, score_matrix

__all__ = ["COMPONENTS", "KINDS", "CompanySet", "Geography", "Matcher", "NeedSet", "TopK", "Weights", "score_matrix"]
