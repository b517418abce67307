"""Pages: one function view per user action."""
