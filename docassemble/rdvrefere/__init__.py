"""rdvrefere: référé « mesures utiles » to obtain a préfecture appointment (L. 521-3 CJA)."""

__version__ = "0.1.0"
