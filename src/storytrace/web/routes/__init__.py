"""The app's routes, one module per page; each page also answers as JSON at its path plus `.json`."""
