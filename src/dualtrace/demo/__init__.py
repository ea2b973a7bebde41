"""The ``dualtrace demo`` scenario: a fictional, self-generated data set (see ``scenario``)."""
