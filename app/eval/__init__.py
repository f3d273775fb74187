"""Quality measurements against hand-labelled sets (`librarian eval ...`)."""
