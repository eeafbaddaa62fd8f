"""The project's NLU components: the topic classifier and the two danger-now signals."""
