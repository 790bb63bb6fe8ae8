"""File import: CSV and XLSX files of figures, previewed, then written all or nothing.

    from chiso.collection import importer
    found = importer.preview("bao-cao.xlsx", content, acting_user=user)   # never raises for a bad file
    found.problems, found.new, found.changed, found.unchanged, found.changes, found.violations, found.outliers
    importer.commit(found, acting_user=user)   # WriteResult; ImportRefused(problems) when anything is wrong

The path of a figure: file → ``sheets`` (decode, split) → ``layout`` (which column is what) →
``resolve`` (unit in the version in force at the period's end, element, period) → ``cells`` (qualifier and
number) → ``preview`` (compare, check, validate) → ``values.actions.do_set_values``. A long CSV of more than
``parts.PART_ROWS`` rows goes part by part (``import_in_parts``, through ``values.parted.PartedWrite``).
"""

from chiso.collection.importer.parts import PartedImport, import_in_parts
from chiso.collection.importer.preview import MAX_UPLOAD_BYTES, Change, Preview, commit, figure_text, preview
from chiso.collection.importer.problems import ImportProblem, ImportRefused

__all__ = ["MAX_UPLOAD_BYTES", "Change", "ImportProblem", "ImportRefused", "PartedImport", "Preview", "commit",
           "figure_text", "import_in_parts", "preview"]
