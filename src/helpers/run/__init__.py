"""The machinery that runs the study: notebook runner, batch runs, the data build, the site.

Nothing outside this package imports it, and notebooks never do: the study's modules
compute and draw; this package decides what runs, when, and where outputs go.
"""
