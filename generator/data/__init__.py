"""Reading and checking the contributors' files: ids, the YAML loader, validation, model."""
