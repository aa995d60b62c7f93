"""Importing bank statements and prepaid charges from CSV files.

As the register's import: UTF-8 (with or without BOM) or GB18030, every bad row reported by its line,
nothing written when a row is bad unless skip-invalid. Banks name their columns differently: the common
Chinese headers are understood, and a mapping (`our_name=their_name,...`) reads any other. Each row names its
institution by credit code or by supervised account number.

Re-importing a file creates nothing new: a statement is the institution's statement of the period that
starts on its `period_start`; a charge is the same charge when its `charge_ref` is (or, without one, its date,
student reference and amount are).
"""

from registry.escrow.columns import ALIASES, COLUMNS, REQUIRED, parse_mapping, template_csv
from registry.escrow.importing.charges import import_charges
from registry.escrow.importing.reading import CHUNK, ImportRefused, ImportReport, RowError
from registry.escrow.importing.statements import import_statements

__all__ = ["ALIASES", "CHUNK", "COLUMNS", "REQUIRED", "ImportRefused", "ImportReport", "RowError", "import_charges",
           "import_statements", "parse_mapping", "template_csv"]
