"""The county's definition standards: loading `criteria.yaml` and compiling its `when` expressions.

A criteria file names the fields of a village record (with the header spellings that map to them) and
the standards, each a `when` expression over field ids. The package, one module per noun (this file only
re-exports their public names, so `from lax.criteria import load_criteria` works):

- `model`: the loaded criteria as data (`Criteria`, `Field`, `Criterion`, `Policy`, `header_key`);
- `load`: finding and reading the file (`packaged_path`, `default_criteria_path`, `load_criteria`), the
  line-remembering YAML loader and the validation that reports every problem as `FILE:LINE: message`;
- `expr`: the `when` expression whitelist, the emitter, the one compiled function over all standards and
  the three-valued evaluator behind it, `undetermined_reason`, and `findings_function` (the evidence of
  the standards a village meets, generated once per file).
"""

from lax.criteria.expr import Compiled, ExpressionError, compile_expression, findings_function, undetermined_reason
from lax.criteria.load import MAX_CRITERIA_BYTES, default_criteria_path, load_criteria, packaged_path
from lax.criteria.model import FIELD_TYPES, Criteria, Criterion, Field, Policy, header_key

__all__ = [
    "FIELD_TYPES",
    "MAX_CRITERIA_BYTES",
    "Compiled",
    "Criteria",
    "Criterion",
    "ExpressionError",
    "Field",
    "Policy",
    "compile_expression",
    "default_criteria_path",
    "findings_function",
    "header_key",
    "load_criteria",
    "packaged_path",
    "undetermined_reason",
]
