"""Numbers from the papers, each with its citation key (references.bib) and where in the paper it is printed.

Chapters read published numbers from here rather than typing them, so that a number in the prose can be traced to
its source. Introduced in chapter 0 (Foundations) with the sizes of three landmark models; later chapters add the
constants of Kaplan's and Chinchilla's laws.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Constant", "TrainedModel", "GPT3", "GOPHER", "CHINCHILLA", "LANDMARK_MODELS", "KAPLAN_ALPHA_N",
           "KAPLAN_N_C", "HOFFMANN_APPROACH3"]


@dataclass(frozen=True)
class Constant:
    """A published constant with its source.

    Attributes
    ----------
    value : float
        The number as printed.
    cite : str
        Citation key in ``references.bib``.
    where : str
        Equation or table that prints it.
    unit : str
        Its unit ("" if dimensionless).
    """

    value: float
    cite: str
    where: str
    unit: str = ""

    def __float__(self) -> float:
        return float(self.value)


@dataclass(frozen=True)
class TrainedModel:
    """A published training run: its size, its data, and where the numbers are printed.

    Attributes
    ----------
    name : str
        The model's name.
    params : float
        Number of parameters N.
    tokens : float
        Number of training tokens D.
    cite : str
        Citation key in ``references.bib``.
    where : str
        Table or section of the paper that prints ``params`` and ``tokens``.
    reported_flops : float or None
        Training compute as printed by the paper, in FLOPs, if it prints one.
    """

    name: str
    params: float
    tokens: float
    cite: str
    where: str
    reported_flops: float | None = None

    @property
    def tokens_per_param(self) -> float:
        """Training tokens per parameter, D / N."""
        return self.tokens / self.params


GPT3 = TrainedModel("GPT-3 175B", 175e9, 300e9, "brown2020language",
                    "Table 2.1 (size) and section 2.2 (300B training tokens); compute from Table D.1",
                    reported_flops=3.14e23)
GOPHER = TrainedModel("Gopher", 280e9, 300e9, "hoffmann2022training", "Table 1; budget in Table 3 and appendix F",
                      reported_flops=5.76e23)
CHINCHILLA = TrainedModel("Chinchilla", 70e9, 1.4e12, "hoffmann2022training", "Table 1")

LANDMARK_MODELS = (GPT3, GOPHER, CHINCHILLA)


KAPLAN_ALPHA_N = Constant(0.076, "kaplan2020scaling", "eq. 1.1")
"""Exponent of Kaplan et al.'s L(N) = (N_c/N)^alpha_N, N in non-embedding parameters."""

KAPLAN_N_C = Constant(8.8e13, "kaplan2020scaling", "eq. 1.1", "non-embedding parameters")
"""Scale constant N_c of Kaplan et al.'s L(N) = (N_c/N)^alpha_N."""

HOFFMANN_APPROACH3 = {
    "E": Constant(1.69, "hoffmann2022training", "section 3.3", "nats/token"),
    "A": Constant(406.4, "hoffmann2022training", "section 3.3"),
    "B": Constant(410.7, "hoffmann2022training", "section 3.3"),
    "alpha": Constant(0.34, "hoffmann2022training", "section 3.3"),
    "beta": Constant(0.28, "hoffmann2022training", "section 3.3"),
}
"""Chinchilla's parametric fit L(N, D) = E + A/N^alpha + B/D^beta, as printed (rounded) in the paper."""
