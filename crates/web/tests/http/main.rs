//! Black-box HTTP tests of the whole application (pages and API), run in-process on port 0.
