"""Numbers from the papers, each with its citation key (references.bib) and where in the paper it is printed.

Chapters read published numbers from here rather than typing them, so that a number in the prose can be traced to
its source. Introduced in chapter 0 (Foundations) with the sizes of three landmark models; later chapters add the
constants of Kaplan's and Chinchilla's laws.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Constant", "TrainedModel", "as_floats", "GPT3", "GOPHER", "CHINCHILLA", "LANDMARK_MODELS", "KAPLAN_ALPHA_N",
           "KAPLAN_N_C", "HOFFMANN_APPROACH3", "HOFFMANN_APPROACH3_UNROUNDED", "HOFFMANN_TABLE2",
           "HOFFMANN_TABLE3", "EPOCH_FIT", "EPOCH_INTERVALS", "MUENNIGHOFF_FIT", "PORIAN_STEPS", "KAPLAN",
           "Architecture", "GPT2_XL_SHAPE", "GPT3_175B_SHAPE", "PEARCE_EMBEDDING_OMEGA",
           "SARDANA_CHINCHILLA", "SARDANA_FIGURE1", "LLAMA2_7B", "LLAMA3_8B", "OVERTRAINED_MODELS",
           "BNSL_ARITHMETIC_SIMULATION", "bnsl_kwargs",
           "EmergentAbility", "WEI_TABLE1", "GPT3_FAMILY_PARAMS"]


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


def as_floats(group, keys=None) -> dict:
    """The numbers of a group of constants (a dict such as :data:`EPOCH_FIT`) as plain floats, ready to pass as
    ``**`` keyword arguments to a law or an allocation.

    Parameters
    ----------
    group : dict
        Name -> :class:`Constant` (or number).
    keys : iterable of str, optional
        Only these names, in this order (default: all).

    Returns
    -------
    dict
        Name -> float.

    Examples
    --------
    >>> as_floats(HOFFMANN_APPROACH3, ("alpha", "beta"))
    {'alpha': 0.34, 'beta': 0.28}
    """
    if not isinstance(group, dict):
        raise ValueError(f"group must be a dict of constants (e.g. EPOCH_FIT), got {type(group).__name__}")
    keys = list(group) if keys is None else list(keys)
    missing = [k for k in keys if k not in group]
    if missing:
        raise ValueError(f"group has no {', '.join(map(repr, missing))}; it has {', '.join(map(repr, group))}")
    return {k: float(group[k]) for k in keys}


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

HOFFMANN_APPROACH3_UNROUNDED = {
    "E": Constant(1.6934, "besiroglu2024chinchilla", "section 2 (from the TeX source of Hoffmann et al.)",
                  "nats/token"),
    "A": HOFFMANN_APPROACH3["A"],
    "B": HOFFMANN_APPROACH3["B"],
    "alpha": Constant(0.33917084, "besiroglu2024chinchilla", "section 2 (from the TeX source of Hoffmann et al.)"),
    "beta": Constant(0.2849083, "besiroglu2024chinchilla", "section 2 (from the TeX source of Hoffmann et al.)"),
}
"""The same fit with the unrounded E, alpha, beta found in the paper's TeX source (A and B as printed)."""


def _h(value, where="Table 2"):
    return Constant(value, "hoffmann2022training", where)


HOFFMANN_TABLE2 = {
    "approach 1": {"a": (_h(0.50), _h(0.488), _h(0.502)), "b": (_h(0.50), _h(0.501), _h(0.512))},
    "approach 2": {"a": (_h(0.49), _h(0.462), _h(0.534)), "b": (_h(0.51), _h(0.483), _h(0.529))},
    "approach 3": {"a": (_h(0.46), _h(0.454), _h(0.455)), "b": (_h(0.54), _h(0.542), _h(0.543))},
    "Kaplan et al.": {"a": (_h(0.73),), "b": (_h(0.27),)},
}
"""Exponents of N_opt ~ C^a and D_opt ~ C^b: (estimate, 10th percentile, 90th percentile) of 100 bootstraps on 80%
of the runs; Kaplan et al.'s row has estimates only."""

HOFFMANN_TABLE3 = (
    # (parameters, FLOPs, FLOPs in units of Gopher's budget, tokens): Approach 1's compute-optimal runs
    (400e6, 1.92e19, 1 / 29968, 8.0e9),
    (1e9, 1.21e20, 1 / 4761, 20.2e9),
    (10e9, 1.23e22, 1 / 46, 205.1e9),
    (67e9, 5.76e23, 1.0, 1.5e12),
    (175e9, 3.85e24, 6.7, 3.7e12),
    (280e9, 9.90e24, 17.2, 5.9e12),
    (520e9, 3.43e25, 59.5, 11.0e12),
    (1e12, 1.27e26, 221.3, 21.2e12),
    (10e12, 1.30e28, 22515.9, 216.2e12),
)
"""Table 3 of Hoffmann et al. :cite:p:`hoffmann2022training`: rows (parameters, FLOPs, Gopher units, tokens)."""


def _e(value):
    return Constant(value, "besiroglu2024chinchilla", "Table 1 and repository")


EPOCH_FIT = {"E": _e(1.82), "A": _e(482.01), "B": _e(2085.43), "alpha": _e(0.3478), "beta": _e(0.3658)}
"""Besiroglu et al.'s refit of Chinchilla's law to 240 points extracted from Hoffmann et al.'s Figure 4."""

EPOCH_INTERVALS = {"E": (1.77, 1.87), "A": (285.0, 744.0), "B": (1042.0, 5810.0), "alpha": (0.317, 0.373),
                   "beta": (0.331, 0.415)}
"""95% bootstrap intervals (4,000 resamples) of :data:`EPOCH_FIT` :cite:p:`besiroglu2024chinchilla`."""


def _m(value):
    return Constant(value, "muennighoff2023scaling", "fitted coefficients (section 3 and repository)")


MUENNIGHOFF_FIT = {"E": _m(1.8691), "A": _m(520.82), "B": _m(1487.72), "alpha": _m(0.35266), "beta": _m(0.35266),
                   "R_D_star": _m(15.388), "R_N_star": _m(5.310)}
"""Data-constrained scaling law of Muennighoff et al.: L = E + A/N'^alpha + B/D'^beta with effective data
D' = U_D + U_D R_D* (1 - exp(-R_D/R_D*)) and effective parameters N' alike with R_N*."""

PORIAN_STEPS = (
    ("Kaplan et al.'s setup, reproduced", 0.835),
    ("+ count the last layer's FLOPs", 0.706),
    ("+ shorter warmup for small models", 0.602),
    ("+ cosine learning-rate decay", 0.571),
    ("+ optimizer tuned per scale (AdamW beta2)", 0.497),
)
"""Porian et al.'s step-by-step account of Kaplan's exponent a on RefinedWeb :cite:p:`porian2024resolving`."""


def _k(value, where, unit=""):
    return Constant(value, "kaplan2020scaling", where, unit)


KAPLAN = {
    # L(N) = (N_c / N)^alpha_N, non-embedding parameters, data and compute not limiting
    "N": {"alpha": _k(0.076, "eq. 1.1"), "scale": _k(8.8e13, "eq. 1.1", "non-embedding parameters")},
    # L(D) = (D_c / D)^alpha_D, large model trained with early stopping
    "D": {"alpha": _k(0.095, "eq. 1.2"), "scale": _k(5.4e13, "eq. 1.2", "tokens")},
    # L(C_min) = (C_c^min / C_min)^alpha_C^min, compute-efficient training
    "C_min": {"alpha": _k(0.050, "eq. 1.3"), "scale": _k(3.1e8, "eq. 1.3", "PF-days")},
    # L(C) = (C_c / C)^alpha_C, fixed batch size, training to the compute-efficient frontier
    "C": {"alpha": _k(0.057, "eq. 3.3 and Table 5"), "scale": _k(1.6e7, "eq. 3.3 and Table 5", "PF-days")},
    # B_crit(L) = B* / L^(1/alpha_B)
    "B_crit": {"alpha": _k(0.21, "eq. 1.4 / 5.3"), "scale": _k(2e8, "eq. 1.4 (2.1e8 in Table 5)", "tokens")},
    # L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D
    "ND": {"alpha_N": _k(0.076, "Table 2"), "alpha_D": _k(0.103, "Table 2"),
           "N_c": _k(6.4e13, "Table 2", "non-embedding parameters"), "D_c": _k(1.8e13, "Table 2", "tokens")},
    # L(N, S) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S
    "NS": {"alpha_N": _k(0.077, "Table 3"), "alpha_S": _k(0.76, "Table 3"),
           "N_c": _k(6.5e13, "Table 3", "non-embedding parameters"), "S_c": _k(2.1e3, "Table 3", "steps")},
    # compute-efficient allocation, C_min in PF-days: X = coefficient * C_min^exponent
    "allocation": {"N": (_k(1.3e9, "Table 6", "parameters"), _k(0.73, "Table 6")),
                   "B": (_k(2.0e6, "Table 6", "tokens"), _k(0.24, "Table 6")),
                   "S_min": (_k(5.4e3, "Table 6", "steps"), _k(0.03, "Table 6")),
                   "D": (_k(2e10, "Table 6", "tokens"), _k(0.27, "Table 6"))},
    # where the trends must break down (section 6.3)
    "breakdown": {"C": _k(1e4, "eq. 6.8", "PF-days"), "N": _k(1e12, "eq. 6.8", "parameters"),
                  "D": _k(1e12, "eq. 6.8", "tokens"), "L": _k(1.7, "eq. 6.8", "nats/token")},
    # the data requirement to keep overfitting small: D >~ 5e3 N^0.74
    "data_requirement": {"coefficient": _k(5e3, "eq. 4.4", "tokens"), "exponent": _k(0.74, "eq. 4.4")},
}
"""Constants of Kaplan et al. 2020 as printed, grouped by law. Compute is in PF-days, as in the paper."""


@dataclass(frozen=True)
class Architecture:
    """Shape of a decoder-only transformer, for parameter and FLOP counting.

    Attributes
    ----------
    name : str
        The model.
    n_layer, d_model, n_ctx : int
        Layers, residual width and context length.
    cite, where : str
        Citation key and table that print the shape.
    """

    name: str
    n_layer: int
    d_model: int
    n_ctx: int
    cite: str
    where: str


GPT2_XL_SHAPE = Architecture("GPT-2 (1.5B)", 48, 1600, 1024, "radford2019language", "Table 2")
GPT3_175B_SHAPE = Architecture("GPT-3 175B", 96, 12288, 2048, "brown2020language", "Table 2.1")


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 3 (Kaplan vs Chinchilla).
# ---------------------------------------------------------------------------------------------------------------------

PEARCE_EMBEDDING_OMEGA = Constant(47491.0, "pearce2024reconciling",
                                  "fit of N_T = N_E + omega N_E^(1/3) to Chinchilla's model configurations "
                                  "(paper and the authors' analysis script)", "parameters^(2/3)")
"""Embedding constant of Pearce & Song: total parameters
:math:`N_T = N_{\\setminus E} + \\omega N_{\\setminus E}^{1/3}`, the embeddings of a 32k-token vocabulary for
models of a fixed aspect ratio (width/depth about 39)."""


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 4 (Beyond compute-optimal).
# ---------------------------------------------------------------------------------------------------------------------


def _s(value, unit=""):
    return Constant(value, "sardana2024beyond", "defaults of the authors' code (repository README)", unit)


SARDANA_CHINCHILLA = {"E": _s(1.69, "nats/token"), "A": _s(406.4), "B": _s(410.7), "alpha": _s(0.336),
                      "beta": _s(0.283)}
"""Chinchilla's law as Sardana et al. use it: the printed E, A, B with alpha = 0.336 and beta = 0.283 in place of
the rounded 0.34 and 0.28, the defaults of every script in the authors' code repository (its README calls them "the
original coefficients from the Chinchilla paper"). With these constants their Figure 1 example reproduces to the
printed digits."""

SARDANA_FIGURE1 = {
    "N_chinchilla": Constant(13e9, "sardana2024beyond", "Figure 1", "parameters"),
    "inference_tokens": Constant(2e12, "sardana2024beyond", "Figure 1", "tokens"),
    "N_optimal": Constant(7e9, "sardana2024beyond", "Figure 1", "parameters"),
    "flops_saved": Constant(1.7e22, "sardana2024beyond", "Figure 1", "FLOPs"),
    "fraction_saved": Constant(0.17, "sardana2024beyond", "Figure 1"),
}
"""Sardana et al.'s Figure 1: a Chinchilla-optimal 13B model expecting 2T inference tokens; a 7B model trained on
more data reaches the same loss and saves 1.7e22 FLOPs (17%) of training plus inference."""

LLAMA2_7B = TrainedModel("Llama 2 7B", 7e9, 2.0e12, "touvron2023llama2", "Table 1 (2.0T tokens for every size)")
LLAMA3_8B = TrainedModel("Llama 3 8B", 8e9, 15e12, "dubey2024llama",
                         "section 3 (pre-trained on about 15T multilingual tokens)")
OVERTRAINED_MODELS = (LLAMA2_7B, LLAMA3_8B)
"""Small models trained far beyond 20 tokens per parameter (nominal sizes as named by their papers)."""


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3: Broken Neural Scaling Laws.
# ---------------------------------------------------------------------------------------------------------------------


def _b(value):
    return Constant(value, "caballero2023broken", "Figure 4 (right), noiseless simulation of 4-digit addition; "
                    "ground truth as set in the authors' code repository")


BNSL_ARITHMETIC_SIMULATION = {"a": _b(0.41388453071629455), "b": _b(2.2772722897737556),
                              "c0": _b(0.055077348404973955), "c1": _b(5.662903816010331),
                              "d1": _b(612.5836172918001), "f1": _b(0.059193036393742314)}
"""The one-break BNSL behind Caballero et al.'s noiseless simulation of 4-digit addition (test cross-entropy against
training-set size, x = 1, 2, ..., 4095): a long, nearly flat segment, then a sharp fall near x = 613. Their code
fits the points x <= 405 and extrapolates the rest; its comment says that fitting x <= 390 instead shows what
failure looks like."""


def bnsl_kwargs(group) -> dict:
    """A published one-break BNSL (keys ``a, b, c0, c1, d1, f1``, e.g. :data:`BNSL_ARITHMETIC_SIMULATION`) as keyword
    arguments of :func:`book_utils.laws.bnsl` (``c, d, f`` as one-element lists).

    Examples
    --------
    >>> law = bnsl_kwargs(BNSL_ARITHMETIC_SIMULATION)
    >>> sorted(law), round(law["d"][0], 1)
    (['a', 'b', 'c', 'c0', 'd', 'f'], 612.6)
    """
    p = as_floats(group, ("a", "b", "c0", "c1", "d1", "f1"))
    return {"a": p["a"], "b": p["b"], "c0": p["c0"], "c": [p["c1"]], "d": [p["d1"]], "f": [p["f1"]]}


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 4, notebook 01: emergent abilities.
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergentAbility:
    """One row of Wei et al.'s list of emergent abilities: an ability and the scale at which it emerges, i.e. the
    smallest model of one family, among those that the cited work evaluated, that shows it.

    Attributes
    ----------
    ability : str
        The ability (task or prompting technique), as named in the table.
    flops : float
        Training compute of that model, in FLOPs, as printed (two significant digits).
    params : float
        Its number of parameters, as printed.
    model : str
        The model family in which the ability was observed.
    prompting : str
        The table's group: ``"few-shot"`` (few-shot prompting abilities) or ``"augmented"`` (augmented prompting
        strategies, where the emergent scale is where the technique starts to help).
    source : str
        The work that reported the ability, as the table names it.
    cite : str
        Citation key in ``references.bib`` of the table (not of ``source``).
    where : str
        Where the table is printed.
    """

    ability: str
    flops: float
    params: float
    model: str
    prompting: str
    source: str
    cite: str = "wei2022emergent"
    where: str = "Table 1"


def _w(ability, flops, params, model, prompting, source):
    return EmergentAbility(ability, flops, params, model, prompting, source)


WEI_TABLE1 = (
    _w("addition/subtraction (3 digit)", 2.3e22, 13e9, "GPT-3", "few-shot", "Brown et al. (2020)"),
    _w("addition/subtraction (4-5 digit)", 3.1e23, 175e9, "GPT-3", "few-shot", "Brown et al. (2020)"),
    _w("MMLU (57-topic average)", 3.1e23, 175e9, "GPT-3", "few-shot", "Hendrycks et al. (2021a)"),
    _w("toxicity classification (CivilComments)", 1.3e22, 7.1e9, "Gopher", "few-shot", "Rae et al. (2021)"),
    _w("truthfulness (TruthfulQA)", 5.0e23, 280e9, "Gopher", "few-shot", "Rae et al. (2021)"),
    _w("MMLU (26 topics)", 5.0e23, 280e9, "Gopher", "few-shot", "Rae et al. (2021)"),
    _w("grounded conceptual mappings", 3.1e23, 175e9, "GPT-3", "few-shot", "Patel & Pavlick (2022)"),
    _w("MMLU (30 topics)", 5.0e23, 70e9, "Chinchilla", "few-shot", "Hoffmann et al. (2022)"),
    _w("Word in Context (WiC)", 2.5e24, 540e9, "PaLM", "few-shot", "Chowdhery et al. (2022)"),
    _w("instruction following (finetuning)", 1.3e23, 68e9, "FLAN", "augmented", "Wei et al. (2022a)"),
    _w("scratchpad: 8-digit addition (finetuning)", 8.9e19, 40e6, "LaMDA", "augmented", "Nye et al. (2021)"),
    _w("open-book knowledge for fact checking", 1.3e22, 7.1e9, "Gopher", "augmented", "Rae et al. (2021)"),
    _w("chain of thought: math word problems", 1.3e23, 68e9, "LaMDA", "augmented", "Wei et al. (2022b)"),
    _w("chain of thought: StrategyQA", 2.9e23, 62e9, "PaLM", "augmented", "Chowdhery et al. (2022)"),
    _w("differentiable search index", 3.3e22, 11e9, "T5", "augmented", "Tay et al. (2022b)"),
    _w("self-consistency decoding", 1.3e23, 68e9, "LaMDA", "augmented", "Wang et al. (2022b)"),
    _w("leveraging explanations in prompting", 5.0e23, 280e9, "Gopher", "augmented", "Lampinen et al. (2022)"),
    _w("least-to-most prompting", 3.1e23, 175e9, "GPT-3", "augmented", "Zhou et al. (2022)"),
    _w("zero-shot chain of thought", 3.1e23, 175e9, "GPT-3", "augmented", "Kojima et al. (2022)"),
    _w("calibration via P(True)", 2.6e23, 52e9, "Anthropic", "augmented", "Kadavath et al. (2022)"),
    _w("multilingual chain of thought", 2.9e23, 62e9, "PaLM", "augmented", "Shi et al. (2022)"),
    _w("ask me anything prompting", 1.4e22, 6e9, "EleutherAI", "augmented", "Arora et al. (2022)"),
)
"""Table 1 of Wei et al. :cite:p:`wei2022emergent`: the 22 rows with numbers, in the printed order (nine few-shot
abilities, then thirteen augmented prompting strategies). The table's row "Many BIG-Bench tasks", which has no
numbers ("Many"), is left out. Each row gives the emergent scale in training FLOPs and parameters of one model
family; the same ability may emerge at another scale in another family, and the scale is only as fine as the grid of
model sizes that the cited work evaluated."""

GPT3_FAMILY_PARAMS = (125e6, 350e6, 760e6, 1.3e9, 2.7e9, 6.7e9, 13e9, 175e9)
"""The eight GPT-3 model sizes (parameters) of Brown et al., Table 2.1 :cite:p:`brown2020language`, all trained on
300B tokens: the grid on which an ability's emergent scale in the GPT-3 family is located."""
