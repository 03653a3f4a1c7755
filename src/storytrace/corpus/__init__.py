"""Corpus scale: where a text came from (`trace`), which documents tell one story (`group`), and the batch
pipeline that aligns every version of a whole archive on Dask (`batch`)."""
