"""budgetdoc: validate a department's annual budget and render its 部门预算公开 disclosure."""

__version__ = "0.1.0"
