"""viz: pictures of computation graphs and networks."""
