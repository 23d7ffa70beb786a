"""Monthly returns: the path by which providers' files reach the warehouse.

``formats`` describes the project's own return (one sheet per table), ``readers``
turns CSV and .xlsx bytes into rows, ``validate`` checks and types them (every
problem names file, sheet, row and column), ``adapters_ae`` and ``adapters_fft``
read two public NHS formats, ``store`` writes the records store in one
transaction and archives the raw file, ``importer`` runs the whole import and
``templates`` writes the blank and example returns.
"""
