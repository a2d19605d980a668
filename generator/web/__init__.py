"""The web workbench (`budgetdoc serve`): officers and bureaus use budgetdoc from a browser."""
